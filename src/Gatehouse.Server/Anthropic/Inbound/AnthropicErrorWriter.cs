using System.Buffers;
using System.Text.Json;

namespace Gatehouse.Anthropic.Inbound;

/// <summary>
/// Writes <see cref="AnthropicError"/> bodies (a response, or an SSE <c>event: error</c> for failures
/// after a stream has started) and turns an OpenAI-shaped error from the pipeline into one.
/// </summary>
internal static class AnthropicErrorWriter
{
    public static async Task WriteResponseAsync(HttpResponse response, AnthropicError error, CancellationToken cancellationToken)
    {
        response.StatusCode = error.StatusCode;
        response.ContentType = "application/json";
        WriteJson(response.BodyWriter, error);
        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary><c>{"type":"error","error":{"type","message"}}</c></summary>
    public static void WriteJson(IBufferWriter<byte> output, AnthropicError error)
    {
        using var writer = new Utf8JsonWriter(output);
        WriteJson(writer, error);
    }

    public static void WriteJson(Utf8JsonWriter writer, AnthropicError error)
    {
        writer.WriteStartObject();
        writer.WriteString("type"u8, "error"u8);
        writer.WriteStartObject("error"u8);
        writer.WriteString("type"u8, error.Type);
        writer.WriteString("message"u8, error.Message);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    public static byte[] ToJson(AnthropicError error)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        WriteJson(buffer, error);
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary><c>event: error\ndata: {...}\n\n</c>, as Anthropic sends a failure in the middle of a stream.</summary>
    public static void WriteStreamEvent(IBufferWriter<byte> output, AnthropicError error)
    {
        output.Write("event: error\ndata: "u8);
        WriteJson(output, error);
        output.Write("\n\n"u8);
    }

    /// <summary>
    /// Maps an error the pipeline produced in OpenAI's shape (<c>{"error":{"message","type","code"}}</c>)
    /// to Anthropic's. The type follows the status (<see cref="AnthropicError.TypeForStatus"/>) and the
    /// status is kept as is: a 503 stays 503 (Anthropic itself says 529 for overloaded_error, but the
    /// SDKs decide by type, and the gateway's own status is the truthful one). The message is the
    /// OpenAI message; a body that is not OpenAI's error shape yields a generic message.
    /// </summary>
    public static AnthropicError FromOpenAIError(int status, ReadOnlySpan<byte> openAIErrorBody)
    {
        var message = ReadOpenAIMessage(openAIErrorBody, out _, out _);
        return new AnthropicError(status, AnthropicError.TypeForStatus(status), message ?? $"The upstream request failed with status {status}.");
    }

    /// <summary>
    /// Maps the error object of an OpenAI stream event (<c>data: {"error":{...}}</c>, status unknown).
    /// The gateway's own events carry <c>code</c> upstream_timeout / upstream_stream_interrupted; an
    /// upstream's carry its type (server_error, rate_limit_exceeded…).
    /// </summary>
    public static AnthropicError FromOpenAIStreamError(ReadOnlySpan<byte> openAIErrorEvent)
    {
        var message = ReadOpenAIMessage(openAIErrorEvent, out var type, out var code) ?? "The upstream stream reported an error.";
        var anthropicType = (code ?? type) switch
        {
            "upstream_timeout" or "timeout" => AnthropicError.TimeoutType,
            "rate_limit_exceeded" or "rate_limit_error" or "insufficient_quota" => AnthropicError.RateLimitType,
            "overloaded" or "overloaded_error" or "server_overloaded" => AnthropicError.OverloadedType,
            "invalid_request_error" => AnthropicError.InvalidRequestType,
            _ => type switch
            {
                "rate_limit_error" or "rate_limit_exceeded" => AnthropicError.RateLimitType,
                "invalid_request_error" => AnthropicError.InvalidRequestType,
                _ => AnthropicError.ApiType,
            },
        };
        return new AnthropicError(StatusCodes.Status200OK, anthropicType, message);
    }

    private static string? ReadOpenAIMessage(ReadOnlySpan<byte> body, out string? type, out string? code)
    {
        type = null;
        code = null;
        try
        {
            var reader = new Utf8JsonReader(body);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("error"u8))
                {
                    reader.Read();
                    reader.Skip();
                    continue;
                }

                reader.Read();
                if (reader.TokenType == JsonTokenType.String)
                {
                    return reader.GetString();
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    return null;
                }

                string? message = null;
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.ValueTextEquals("message"u8) ? 1 : reader.ValueTextEquals("type"u8) ? 2 : reader.ValueTextEquals("code"u8) ? 3 : 0;
                    reader.Read();
                    if (reader.TokenType != JsonTokenType.String)
                    {
                        reader.Skip();
                        continue;
                    }

                    switch (name)
                    {
                        case 1: message = reader.GetString(); break;
                        case 2: type = reader.GetString(); break;
                        case 3: code = reader.GetString(); break;
                    }
                }

                return message;
            }
        }
        catch (JsonException)
        {
            // Not JSON: the caller uses a generic message.
        }

        return null;
    }
}
