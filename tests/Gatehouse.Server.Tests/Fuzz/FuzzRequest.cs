using System.Text;

namespace Gatehouse.Tests.Fuzz;

/// <summary>One generated request, as sent, with what the oracle needs to judge the answer.</summary>
internal sealed record FuzzRequest(
    string Target,
    string Method,
    string PathAndQuery,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    byte[]? Body,
    string? ContentType,
    bool Chunked,
    FuzzCredential Credential = FuzzCredential.Valid)
{
    /// <summary>Kestrel's own limit on all request headers together (32 KB); beyond it Kestrel answers before Gatehouse runs.</summary>
    public const int KestrelHeaderLimit = 32 * 1024;

    /// <summary>Kestrel's limit on the request line (8 KB): a longer path and query is a 414 before Gatehouse runs.</summary>
    public const int KestrelRequestLineLimit = 8 * 1024;

    /// <summary>Kestrel's limit on the number of request headers (100).</summary>
    public const int KestrelHeaderCountLimit = 100;

    public string Path => PathAndQuery.Split('?', 2)[0];

    public FuzzDialect Dialect => DialectOf(Normalized(Path));

    /// <summary>Asks the simulator for a fault, a delay or a status: then a 502/503/504 is the documented answer, not a bug.</summary>
    public bool InjectsFault => Headers.Any(h => h.Key.StartsWith("x-gatehouse-sim-", StringComparison.OrdinalIgnoreCase));

    /// <summary>Headers Kestrel refuses before any application code runs (too big, or not ASCII): an empty 400/431 is allowed.</summary>
    public bool KestrelMayRefuse =>
        Headers.Sum(h => h.Key.Length + h.Value.Length + 4) + (ContentType?.Length ?? 0) > KestrelHeaderLimit / 2 ||
        Headers.Count > KestrelHeaderCountLimit - 10 ||
        Headers.Any(h => h.Value.Any(c => c > 0x7E || (c < 0x20 && c != '\t'))) ||
        (ContentType?.Any(c => c > 0x7E || c < 0x20) ?? false) ||
        PathAndQuery.Length > KestrelRequestLineLimit - 100 ||
        Path.Contains("%00", StringComparison.Ordinal);

    /// <summary>The path as Kestrel routes it: <c>%2e</c> decoded and dot segments resolved (so <c>/v1/x/%2e%2e/%2e%2e/api/keys</c> is <c>/api/keys</c>).</summary>
    public static string Normalized(string path)
    {
        var segments = new List<string>();
        foreach (var segment in path.Replace("%2e", ".", StringComparison.OrdinalIgnoreCase).Split('/'))
        {
            if (segment == "..")
            {
                if (segments.Count > 1)
                {
                    segments.RemoveAt(segments.Count - 1);
                }
            }
            else if (segment != ".")
            {
                segments.Add(segment);
            }
        }

        return string.Join('/', segments);
    }

    public static FuzzDialect DialectOf(string path)
    {
        var p = path.TrimEnd('/');
        if (p.Equals("/v1/messages", StringComparison.OrdinalIgnoreCase) || p.Equals("/v1/messages/count_tokens", StringComparison.OrdinalIgnoreCase))
        {
            return FuzzDialect.Anthropic;
        }

        if (p.Equals("/v1", StringComparison.OrdinalIgnoreCase) || p.StartsWith("/v1/", StringComparison.OrdinalIgnoreCase))
        {
            return FuzzDialect.OpenAI;
        }

        return p.Equals("/api", StringComparison.OrdinalIgnoreCase) || p.StartsWith("/api/", StringComparison.OrdinalIgnoreCase)
            ? FuzzDialect.ProblemDetails
            : FuzzDialect.None;
    }

    /// <summary>For reports: method, path, headers and the body, each cut to a readable length, non-ASCII bytes escaped.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(Method).Append(' ').Append(Excerpt(PathAndQuery, 300)).Append("   [target ").Append(Target).Append(']').AppendLine();
        foreach (var (name, value) in Headers.Take(12))
        {
            text.Append("  ").Append(name).Append(": ").Append(Excerpt(value, 120)).AppendLine();
        }

        if (Headers.Count > 12)
        {
            text.Append("  (").Append(Headers.Count - 12).AppendLine(" more headers)");
        }

        if (ContentType is not null)
        {
            text.Append("  Content-Type: ").Append(Excerpt(ContentType, 120)).AppendLine();
        }

        if (Chunked)
        {
            text.AppendLine("  Transfer-Encoding: chunked");
        }

        if (Body is not null)
        {
            text.Append("  body (").Append(Body.Length).Append(" bytes): ").Append(Bytes(Body, 1600)).AppendLine();
        }

        return text.ToString();
    }

    public static string Excerpt(string text, int max) =>
        text.Length <= max ? Escape(text) : Escape(text[..(max / 2)]) + $"…({text.Length - max} more)…" + Escape(text[^(max / 2)..]);

    /// <summary>Bytes as text: printable ASCII as is, everything else as \xNN, the middle elided when long.</summary>
    public static string Bytes(ReadOnlySpan<byte> bytes, int max)
    {
        static void Append(StringBuilder sb, ReadOnlySpan<byte> part)
        {
            foreach (var b in part)
            {
                if (b is >= 0x20 and < 0x7F)
                {
                    sb.Append((char)b);
                }
                else
                {
                    sb.Append("\\x").Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }

        var text = new StringBuilder();
        if (bytes.Length <= max)
        {
            Append(text, bytes);
        }
        else
        {
            Append(text, bytes[..(max / 2)]);
            text.Append("…(").Append(bytes.Length - max).Append(" more bytes)…");
            Append(text, bytes[^(max / 2)..]);
        }

        return text.ToString();
    }

    private static string Escape(string text)
    {
        var sb = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is >= ' ' and < (char)0x7F)
            {
                sb.Append(c);
            }
            else
            {
                sb.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }
}
