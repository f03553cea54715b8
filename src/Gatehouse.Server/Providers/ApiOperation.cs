namespace Gatehouse.Providers;

/// <summary>The OpenAI-compatible operations Gatehouse forwards.</summary>
internal enum ApiOperation
{
    ChatCompletions,
    Embeddings,
}

internal static class ApiOperationExtensions
{
    /// <summary>Path relative to an OpenAI-style base URL (which already ends in <c>/v1</c>).</summary>
    public static string RelativePath(this ApiOperation operation) => operation switch
    {
        ApiOperation.ChatCompletions => "chat/completions",
        ApiOperation.Embeddings => "embeddings",
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };

    /// <summary>The record's <c>endpoint</c> value.</summary>
    public static string RecordName(this ApiOperation operation) => operation switch
    {
        ApiOperation.ChatCompletions => "chat.completions",
        ApiOperation.Embeddings => "embeddings",
        _ => throw new ArgumentOutOfRangeException(nameof(operation)),
    };
}
