namespace Gatehouse.Tools;

/// <summary>
/// A chat request's tools as the prefilter needs them: where the <c>tools</c> array and each
/// definition sit in the body (so the kept ones can be spliced byte for byte), their profiles,
/// and the conversation's signals.
/// </summary>
internal sealed class ToolRequest
{
    /// <summary>Byte range of the <c>tools</c> array (brackets included).</summary>
    public required Range ToolsValue { get; init; }

    /// <summary>Byte range of each definition, in the client's order.</summary>
    public required Range[] Definitions { get; init; }

    public required ToolProfile[] Profiles { get; init; }

    public required ToolSignals Signals { get; init; }

    /// <summary>True when <c>tool_choice</c> is <c>"none"</c> or forces one function: then no search function is offered (it could not be called).</summary>
    public bool ToolChoiceRestricts { get; init; }

    public int Count => Definitions.Length;

    public int TokensOf(bool[]? kept)
    {
        var total = 0L;
        for (var i = 0; i < Profiles.Length; i++)
        {
            if (kept is null || kept[i])
            {
                total += Profiles[i].Tokens;
            }
        }

        return Usage.TokenMath.Saturate(total);
    }
}
