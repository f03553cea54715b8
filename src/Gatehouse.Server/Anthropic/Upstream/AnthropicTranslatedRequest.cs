using Gatehouse.OpenAI;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>
/// An OpenAI chat request rewritten as an Anthropic Messages request, or the reason it cannot be.
/// </summary>
/// <param name="Body">The Anthropic request body; null when <paramref name="Error"/> is set.</param>
/// <param name="Stream">The caller asked for a stream.</param>
/// <param name="JsonToolName">
/// Set when <c>response_format</c> was turned into a forced tool: the answers' <c>tool_use</c> input
/// under this name is the JSON the caller asked for and goes back as message content.
/// </param>
/// <param name="Error">Why the request cannot be sent to Anthropic (always a 400).</param>
internal sealed record AnthropicTranslatedRequest(byte[]? Body, bool Stream, string? JsonToolName, OpenAIError? Error)
{
    public bool JsonViaTool => JsonToolName is not null;

    public static AnthropicTranslatedRequest Failed(string message, string? param, string code = "invalid_value") =>
        new(null, false, null, new OpenAIError(StatusCodes.Status400BadRequest, message, "invalid_request_error", param, code));
}
