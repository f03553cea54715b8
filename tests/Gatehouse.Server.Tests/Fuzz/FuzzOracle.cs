using System.Text;
using System.Text.Json;

namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// The bar every answer must meet, whatever was sent: an answer within <see cref="Bound"/>; never a
/// 500; a 502/503/504 (or a slow answer) only when the request asked the simulator for a fault or a
/// delay; an error body in the path's dialect (OpenAI on <c>/v1</c>, Anthropic on
/// <c>/v1/messages*</c>, ProblemDetails on <c>/api</c>) with its status; a 2xx JSON body that
/// parses; no error event in a stream nobody asked to fail; and a 401 for every request without a
/// valid key (a present Authorization header that is not Bearer included). Kestrel's empty
/// 400/413/414/431 is accepted only for requests it must refuse before Gatehouse runs.
/// </summary>
internal static class FuzzOracle
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    /// <summary>Null when the answer is right; otherwise what is wrong, in one line, with a stable <see cref="FuzzViolation.Signature"/>.</summary>
    public static FuzzViolation? Check(FuzzRequest request, FuzzResponse response)
    {
        if (response.Failure is not null && response.Status == 0)
        {
            return request.KestrelMayRefuse ? null : new("no-answer", response.Failure.Split(':', 2)[0], response.Failure);
        }

        if (response.Failure is not null)
        {
            // A body cut after the headers is how a broken stream ends (documented), so only an injected fault may do it.
            return request.InjectsFault ? null : new("cut", $"{response.Status}", $"{response.Status} whose body broke off: {response.Failure}");
        }

        // A request that asks the simulator for delays or faults may be slow by its own request (still bounded by the client's timeout).
        if (response.Elapsed > Bound && !request.InjectsFault)
        {
            return new("slow", $"{response.Status}", $"answered {response.Status} after {response.Elapsed.TotalSeconds:F1} s (bound {Bound.TotalSeconds} s)");
        }

        if (response.Status == 500)
        {
            return new("500", Describe(request, response), "500 Internal Server Error");
        }

        if (response.Status >= 500 && !(request.InjectsFault && response.Status is 502 or 503 or 504))
        {
            return new("5xx", $"{response.Status} {Describe(request, response)}", $"{response.Status} without an injected upstream fault");
        }

        if (response.Body.Length == 0 && request.KestrelMayRefuse && response.Status is 400 or 413 or 414 or 431)
        {
            return null;
        }

        if (request.Credential == FuzzCredential.Invalid && request.Dialect != FuzzDialect.None && response.Status is not (401 or 404 or 405 or 413 or 414 or 431))
        {
            return response.Status < 400
                ? new("auth-bypass", $"{response.Status}", $"answered {response.Status} to a request without a valid key")
                : new("auth-order", $"{response.Status}", $"answered {response.Status}, not 401, to a request without a valid key");
        }

        if (response.Status >= 400)
        {
            var problem = CheckErrorBody(request.Dialect, request.Method, response);
            return problem is null ? null : new("error-shape", $"{response.Status} {problem}", problem);
        }

        if (response.Status is >= 200 and < 300 && response.MediaType == "application/json" && request.Method != "HEAD" && response.Body.Length < FuzzResponse.MaxBody)
        {
            try
            {
                using var _ = JsonDocument.Parse(response.Body);
            }
            catch (JsonException e)
            {
                return new("bad-json", $"{response.Status}", $"a {response.Status} JSON body that does not parse: {e.Message}");
            }
        }

        if (response.MediaType == "text/event-stream" && !request.InjectsFault)
        {
            var text = Encoding.UTF8.GetString(response.Body);
            if (text.Contains("\ndata: {\"error\"", StringComparison.Ordinal) || text.StartsWith("data: {\"error\"", StringComparison.Ordinal) ||
                text.Contains("event: error", StringComparison.Ordinal))
            {
                var at = Math.Max(0, text.IndexOf("error", StringComparison.Ordinal) - 20);
                return new("stream-error", request.Dialect.ToString(), "a stream nobody asked to fail carries an error event: " + text[at..Math.Min(text.Length, at + 300)]);
            }
        }

        return null;
    }

    /// <summary>What makes an error body wrong for its dialect, or null.</summary>
    private static string? CheckErrorBody(FuzzDialect dialect, string method, FuzzResponse response)
    {
        if (dialect == FuzzDialect.None)
        {
            return null;
        }

        if (response.Body.Length == 0)
        {
            return method == "HEAD" ? null : $"empty error body (expected {dialect})";
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            root = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return $"error body is not JSON (expected {dialect})";
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return $"error body is not an object (expected {dialect})";
        }

        switch (dialect)
        {
            case FuzzDialect.OpenAI:
                if (response.MediaType != "application/json")
                {
                    return $"OpenAI error with content type {response.MediaType}" + (root.TryGetProperty("title", out _) ? " (framework ProblemDetails)" : "");
                }

                return root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object &&
                    NonEmptyString(error, "message") && NonEmptyString(error, "type")
                    ? null
                    : "not an OpenAI error {\"error\":{\"message\",\"type\"}}" + (root.TryGetProperty("title", out _) ? " (framework ProblemDetails)" : "");
            case FuzzDialect.Anthropic:
                if (response.MediaType != "application/json")
                {
                    return $"Anthropic error with content type {response.MediaType}";
                }

                return root.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "error" &&
                    root.TryGetProperty("error", out var inner) && inner.ValueKind == JsonValueKind.Object &&
                    NonEmptyString(inner, "type") && NonEmptyString(inner, "message")
                    ? null
                    : "not an Anthropic error {\"type\":\"error\",\"error\":{\"type\",\"message\"}}" + (root.TryGetProperty("error", out var e) && e.ValueKind == JsonValueKind.Object && e.TryGetProperty("code", out _) ? " (OpenAI shape)" : "");
            default:
                if (response.MediaType != "application/problem+json")
                {
                    return $"ProblemDetails with content type {response.MediaType}";
                }

                return NonEmptyString(root, "title") && root.TryGetProperty("status", out var status) && status.ValueKind == JsonValueKind.Number &&
                    status.TryGetInt32(out var s) && s == response.Status
                    ? null
                    : "ProblemDetails without a title or with a status other than the response's";
        }
    }

    /// <summary>The error's code or type, for grouping: the same bug answers with the same one.</summary>
    private static string Describe(FuzzRequest request, FuzzResponse response)
    {
        try
        {
            using var document = JsonDocument.Parse(response.Body);
            var root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                return (error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String ? code.GetString() : null) ??
                    (error.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String ? type.GetString() : null) ?? request.Dialect.ToString();
            }

            return root.ValueKind == JsonValueKind.Object && root.TryGetProperty("title", out var title) ? "problem:" + title.GetString() : request.Dialect.ToString();
        }
        catch (JsonException)
        {
            return response.Body.Length == 0 ? "empty" : "non-json";
        }
    }

    private static bool NonEmptyString(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 };
}
