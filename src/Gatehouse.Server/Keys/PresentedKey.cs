using Microsoft.Net.Http.Headers;

namespace Gatehouse.Keys;

/// <summary>
/// Reads the key a caller sent: <c>Authorization: Bearer …</c> (OpenAI SDKs) or <c>x-api-key</c>
/// (Anthropic SDKs). An <c>Authorization</c> header decides on its own when present: <c>Bearer</c>
/// with a key is that key (any <c>x-api-key</c> is ignored), anything else (another scheme such as
/// <c>Basic</c>, <c>Bearer</c> with no key) is refused, never passed over for <c>x-api-key</c>, so
/// credentials meant for something else are not silently swapped for a key in another header.
/// </summary>
internal static class PresentedKey
{
    /// <returns>False when the request carries a key the gateway will not read (<see cref="KeyCheck.Malformed"/>); else the key, empty when none was sent.</returns>
    public static bool TryRead(HttpRequest request, out ReadOnlySpan<char> key)
    {
        key = default;
        var authorization = request.Headers[HeaderNames.Authorization];
        if (authorization.Count > 0)
        {
            if (authorization.Count > 1 || authorization[0] is not { } value)
            {
                return false;
            }

            var span = value.AsSpan().Trim();
            if (!span.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            key = span[7..].Trim();
            return !key.IsEmpty;
        }

        var apiKey = request.Headers["x-api-key"];
        if (apiKey.Count > 1)
        {
            return false;
        }

        key = apiKey.Count == 1 && apiKey[0] is { } header ? header.AsSpan().Trim() : default;
        return true;
    }
}
