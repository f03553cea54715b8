namespace Gatehouse.Tests.Fuzz;

/// <summary>The error shape a path must answer in.</summary>
internal enum FuzzDialect
{
    /// <summary><c>{"error":{"message","type",...}}</c>: every <c>/v1</c> path but the Messages API.</summary>
    OpenAI,

    /// <summary><c>{"type":"error","error":{"type","message"}}</c>: <c>/v1/messages</c> and <c>/v1/messages/count_tokens</c>.</summary>
    Anthropic,

    /// <summary><c>application/problem+json</c> with <c>title</c> and <c>status</c>: <c>/api/*</c>.</summary>
    ProblemDetails,

    /// <summary>Outside <c>/v1</c> and <c>/api</c> (health, the root page): no shape is promised, only no 5xx and no hang.</summary>
    None,
}
