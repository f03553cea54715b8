using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Gatehouse.Simulator;

/// <summary>Builds responses carrying OpenAI's error shape, which the SDKs parse.</summary>
internal static class OpenAIErrorResponse
{
    public static HttpResponseMessage Create(int status, string message, string type, string? param = null, string? code = null)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var w = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions))
        {
            w.WriteStartObject();
            w.WriteStartObject("error"u8);
            w.WriteString("message"u8, message);
            w.WriteString("type"u8, type);
            if (param is null) w.WriteNull("param"u8);
            else w.WriteString("param"u8, param);
            if (code is null) w.WriteNull("code"u8);
            else w.WriteString("code"u8, code);
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return SimulatorHandler.JsonResponse((HttpStatusCode)status, buffer.WrittenMemory);
    }

    public static HttpResponseMessage BadRequest(string message, string? param = null) =>
        Create(400, message, "invalid_request_error", param);

    public static HttpResponseMessage ModelNotFound(string model) =>
        Create(404, $"The model `{model}` does not exist", "invalid_request_error", "model", "model_not_found");

    /// <summary>The error a fault injects: its status mapped to OpenAI's error type.</summary>
    public static HttpResponseMessage SimulatedError(int status)
    {
        var (type, code) = status switch
        {
            400 => ("invalid_request_error", (string?)null),
            401 => ("invalid_request_error", "invalid_api_key"),
            403 => ("permission_error", null),
            404 => ("invalid_request_error", "not_found"),
            429 => ("requests", "rate_limit_exceeded"),
            503 => ("service_unavailable", null),
            _ when status >= 500 => ("server_error", null),
            _ => ("invalid_request_error", null),
        };
        return Create(status, $"Simulated error {status} (injected by {SimulatorJson.SystemFingerprint}).", type, null, code);
    }

    public static HttpResponseMessage RateLimited(int retryAfterSeconds)
    {
        var response = Create(
            429,
            $"Rate limit reached (simulated by {SimulatorJson.SystemFingerprint}). Please try again in {retryAfterSeconds}s.",
            "requests",
            null,
            "rate_limit_exceeded");
        response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(retryAfterSeconds));
        return response;
    }
}
