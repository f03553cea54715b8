namespace Gatehouse.Tools;

/// <summary>
/// What prefiltering did to one call, for its headers and its record: the client's tools and their
/// tokens, what was sent, and how many times the call was re-issued with more tools.
/// </summary>
internal sealed class ToolAccounting
{
    /// <summary>Tools the client offered.</summary>
    public int Offered { get; init; }

    /// <summary>Tokens of the client's tool definitions (o200k, compact JSON).</summary>
    public int OfferedTokens { get; init; }

    /// <summary>Client tools in the last upstream request (the one that answered).</summary>
    public int Sent { get; set; }

    /// <summary>Tool-definition tokens of every upstream request of the call, added up (the search function's included).</summary>
    public int SentTokens { get; set; }

    /// <summary>Times the model called the search function and the call went up again with more tools.</summary>
    public int SearchRounds { get; set; }

    /// <summary>True when embedding similarity was blended into the ranking (false: lexical alone, by configuration or after a failure).</summary>
    public bool Embedded { get; init; }
}
