using Microsoft.Net.Http.Headers;

namespace Gatehouse.Keys;

/// <summary>Reads the key a caller sent: <c>Authorization: Bearer …</c> (OpenAI SDKs) or <c>x-api-key</c> (Anthropic SDKs).</summary>
internal static class PresentedKey
{
    public static ReadOnlySpan<char> From(HttpRequest request)
    {
        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count > 0 && authorization[0] is { } value)
        {
            var span = value.AsSpan().Trim();
            if (span.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return span[7..].Trim();
            }
        }

        var apiKey = request.Headers["x-api-key"];
        return apiKey.Count > 0 && apiKey[0] is { } key ? key.AsSpan().Trim() : default;
    }
}
