using System.Buffers;
using System.Text.Json;
using Gatehouse.OpenAI;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>
/// Rewrites an Anthropic error (<c>{"type":"error","error":{"type","message"}}</c>) in OpenAI's
/// shape. The status is kept, except Anthropic's non-standard 529 (overloaded), which becomes 503.
/// </summary>
/// <remarks>
/// | Anthropic status | Anthropic type | OpenAI status | OpenAI type | code |
/// | 400 | invalid_request_error | 400 | invalid_request_error | invalid_request_error |
/// | 401 | authentication_error | 401 | authentication_error | invalid_api_key |
/// | 403 | permission_error | 403 | permission_error | permission_error |
/// | 404 | not_found_error | 404 | invalid_request_error | not_found_error |
/// | 413 | request_too_large | 413 | invalid_request_error | request_too_large |
/// | 429 | rate_limit_error | 429 | rate_limit_error | rate_limit_exceeded |
/// | 500 | api_error | 500 | server_error | api_error |
/// | 529 | overloaded_error | 503 | service_unavailable | overloaded_error |
/// An unknown Anthropic type keeps the status, with type <c>api_error</c> and the Anthropic type as code.
/// </remarks>
internal static class AnthropicErrorTranslator
{
    public const int OverloadedStatus = 529;

    private static readonly Mapping[] Mappings =
    [
        new("invalid_request_error", 400, 400, "invalid_request_error", "invalid_request_error"),
        new("authentication_error", 401, 401, "authentication_error", "invalid_api_key"),
        new("permission_error", 403, 403, "permission_error", "permission_error"),
        new("not_found_error", 404, 404, "invalid_request_error", "not_found_error"),
        new("request_too_large", 413, 413, "invalid_request_error", "request_too_large"),
        new("rate_limit_error", 429, 429, "rate_limit_error", "rate_limit_exceeded"),
        new("api_error", 500, 500, "server_error", "api_error"),
        new("overloaded_error", OverloadedStatus, 503, "service_unavailable", "overloaded_error"),
    ];

    /// <summary>Translates an error response.</summary>
    public static (int Status, byte[] Body) Translate(int status, ReadOnlySpan<byte> body)
    {
        var error = ToOpenAIError(status, body);
        var output = new ArrayBufferWriter<byte>(256);
        OpenAIErrorWriter.WriteJson(output, error);
        return (error.StatusCode, output.WrittenSpan.ToArray());
    }

    public static OpenAIError ToOpenAIError(int status, ReadOnlySpan<byte> body)
    {
        var (type, message) = Read(body);
        return ToOpenAIError(status, type, message ?? $"The Anthropic API answered {status} without an error message.");
    }

    /// <summary>The OpenAI error for an Anthropic error <paramref name="type"/> (from a response or a stream's <c>error</c> event).</summary>
    public static OpenAIError ToOpenAIError(int status, string? type, string message)
    {
        var mapping = Array.Find(Mappings, m => m.AnthropicType == type) ?? Array.Find(Mappings, m => m.AnthropicStatus == status);
        var outStatus = mapping is not null && mapping.AnthropicStatus == status ? mapping.OpenAIStatus
            : status == OverloadedStatus ? StatusCodes.Status503ServiceUnavailable
            : status;
        return mapping is null
            ? new OpenAIError(outStatus, message, "api_error", Code: type)
            : new OpenAIError(outStatus, message, mapping.OpenAIType, Code: mapping.Code);
    }

    /// <summary>The status Anthropic uses for an error type; for stream error events, which carry no status.</summary>
    public static int StatusOf(string? type) => Array.Find(Mappings, m => m.AnthropicType == type)?.AnthropicStatus ?? StatusCodes.Status500InternalServerError;

    private static (string? Type, string? Message) Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            string? type = null, message = null;
            while (reader.Read())
            {
                // Only error.type and error.message (depth 2), not the envelope's "type":"error".
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 2)
                {
                    continue;
                }

                var isType = reader.ValueTextEquals("type"u8);
                var isMessage = reader.ValueTextEquals("message"u8);
                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    if (isType)
                    {
                        type = reader.GetString();
                    }
                    else if (isMessage)
                    {
                        message = reader.GetString();
                    }
                }
            }

            return (type, message);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }

    private sealed record Mapping(string AnthropicType, int AnthropicStatus, int OpenAIStatus, string OpenAIType, string Code);
}
