namespace Gatehouse.OpenAI;

/// <summary>
/// The few top-level facts the gateway needs from a request body, with the byte positions it may
/// rewrite. Everything else stays raw and passes through untouched.
/// </summary>
internal sealed class ParsedRequest
{
    public required string Model { get; init; }

    /// <summary>Byte range of the <c>model</c> value (quotes included).</summary>
    public required Range ModelValue { get; init; }

    /// <summary>Position just after the body's opening brace, where a property can be inserted.</summary>
    public required int ObjectContentStart { get; init; }

    public bool Stream { get; init; }

    /// <summary>Byte range of the <c>stream_options</c> value, when present.</summary>
    public Range? StreamOptionsValue { get; init; }

    /// <summary>The output the request allows (<c>max_completion_tokens</c>, else <c>max_tokens</c>); null when it sets none.</summary>
    public int? MaxOutputTokens { get; init; }

    /// <summary>True when the client asked for the final usage chunk of a stream.</summary>
    public bool ClientRequestedUsage { get; init; }
}
