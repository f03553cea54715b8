namespace Gatehouse.Tools;

/// <summary>
/// One tool definition as the ranker sees it: the term counts of each field, the field lengths,
/// and what the definition costs in tokens. Built once per distinct definition (see
/// <see cref="ToolProfileCache"/>) and shared by every call that offers the same tool.
/// </summary>
internal sealed class ToolProfile
{
    public const int FieldCount = 4;

    public ToolProfile(string name, Dictionary<string, FieldCounts> terms, FieldCounts lengths, int tokens, bool alwaysKept = false)
    {
        Name = name;
        Terms = terms;
        Lengths = lengths;
        Tokens = tokens;
        AlwaysKept = alwaysKept;
    }

    public string Name { get; }

    /// <summary>
    /// True for a tool the prefilter cannot judge and must never drop: an Anthropic server tool
    /// (<c>{"type":"web_search_20250305","name":"web_search"}</c>…), which has no description or schema
    /// to rank and runs on the provider's side.
    /// </summary>
    public bool AlwaysKept { get; }

    /// <summary>How often each term occurs in each field.</summary>
    public Dictionary<string, FieldCounts> Terms { get; }

    /// <summary>Terms per field.</summary>
    public FieldCounts Lengths { get; }

    /// <summary>Tokens of the definition as sent (compact JSON, o200k).</summary>
    public int Tokens { get; }
}

/// <summary>A count per <see cref="ToolField"/>.</summary>
[System.Runtime.CompilerServices.InlineArray(ToolProfile.FieldCount)]
internal struct FieldCounts
{
    private int _element;
}
