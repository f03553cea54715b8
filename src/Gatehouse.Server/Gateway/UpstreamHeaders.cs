using System.Net.Http.Headers;

namespace Gatehouse.Gateway;

/// <summary>Copies the upstream's response headers to the client, minus hop-by-hop and framing headers Kestrel owns.</summary>
internal static class UpstreamHeaders
{
    private static readonly HashSet<string> Skipped = new(StringComparer.OrdinalIgnoreCase)
    {
        "Connection", "Keep-Alive", "Transfer-Encoding", "Content-Length", "Upgrade", "Proxy-Connection", "Date", "Server", "Trailer",
    };

    public static void CopyTo(HttpResponseMessage upstream, HttpResponse response)
    {
        Copy(upstream.Headers, response);
        Copy(upstream.Content.Headers, response);
    }

    private static void Copy(HttpHeaders headers, HttpResponse response)
    {
        foreach (var header in headers.NonValidated)
        {
            if (!Skipped.Contains(header.Key))
            {
                response.Headers[header.Key] = header.Value.Count == 1 ? header.Value.ToString() : header.Value.ToArray();
            }
        }
    }
}
