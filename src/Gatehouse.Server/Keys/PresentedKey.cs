using Microsoft.Net.Http.Headers;

namespace Gatehouse.Keys;

/// <summary>
/// Reads the key a caller sent: <c>Authorization: Bearer …</c> (OpenAI SDKs) or <c>x-api-key</c>
/// (Anthropic SDKs). An <c>Authorization</c> header decides on its own when present: <c>Bearer</c>
/// with a key is that key (any <c>x-api-key</c> is ignored), anything else (another scheme such as
/// <c>Basic</c>, <c>Bearer</c> with no key) is refused, never passed over for <c>x-api-key</c>, so
/// credentials meant for something else are not silently swapped for a key in another header.
/// A header sent more than once counts once when every copy is the same (proxies and tools such as
/// load-test scripts repeat headers); copies that differ are refused, since either could be meant.
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
            if (Single(authorization) is not { } value)
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
        if (apiKey.Count == 0)
        {
            return true;
        }

        if (Single(apiKey) is not { } header)
        {
            return false;
        }

        key = header.AsSpan().Trim();
        return true;
    }

    /// <summary>The header's value when every copy of it is the same; null when copies differ.</summary>
    private static string? Single(Microsoft.Extensions.Primitives.StringValues values)
    {
        var first = values[0];
        for (var i = 1; i < values.Count; i++)
        {
            if (!string.Equals(values[i], first, StringComparison.Ordinal))
            {
                return null;
            }
        }

        return first;
    }
}
