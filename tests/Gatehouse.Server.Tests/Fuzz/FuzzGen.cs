using System.Text;
using CsCheck;

namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// CsCheck generators of whole requests for one <see cref="FuzzTarget"/>: a seed body mutated (or
/// truncated, or spliced with invalid UTF-8, or replaced by random bytes), path segments and query
/// strings with hostile values, and headers that try every way in (no key, the wrong scheme, huge
/// values, odd content types, override headers with values they do not take).
/// </summary>
internal static class FuzzGen
{
    private static readonly string[] s_methods = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

    private static readonly string[] s_pathSegments =
    [
        "%FF", "%ED%A0%80", "%C0%AF", "%00", "..", "%2e%2e", "%2F", "a%2Fb", "%20", "-1", "0", "9223372036854775808",
        "00000000-0000-0000-0000-000000000000", "ffffffff-ffff-ffff-ffff-ffffffffffff", "%F0%9F%98%80", "%E4%B8%AD", "latest",
        "prm_", "key_", "bud_", "master", "production", "{id}", "%7B%7D", "'%20OR%201=1--", "a.b", "~", "%25", "%",
    ];

    private static readonly string[] s_queryValues =
    [
        "", "0", "-1", "1", "201", "2147483648", "-2147483649", "9223372036854775808", "1e308", "NaN", "Infinity", "abc", "true",
        "0001-01-01T00:00:00Z", "0001-01-01", "9999-12-31T23:59:59.9999999Z", "9999-12-31T23:59:59Z", "10000-01-01T00:00:00Z",
        "-0001-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2026-02-30T00:00:00Z", "2026-01-01T00:00:00+14:00", "2026-01-01T00:00:00-12:00",
        "2026-01-01", "now", "yesterday", "%FF", "%ED%A0%80", "%00", "%", "%ZZ", "a%2Bb", "%E4%B8%AD", "hour", "day", "week", "minute",
        "HOUR", "completed", "success", "error", "all", "AAAA", "eyJpZCI6MX0", "eyJ0cyI6IjAwMDEtMDEtMDEiLCJpZCI6InguIn0", "'%20OR%201=1--",
    ];

    private static readonly string[] s_contentTypes =
    [
        "text/plain", "application/json; charset=utf-16", "application/json; charset=latin1", "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x", "application/json; charset=\"\"", ";;;===", "application/problem+json", "*/*", "application/xml",
        "application/json; charset=utf-8; charset=utf-32",
    ];

    private static readonly (string Name, string[] Values)[] s_overrideHeaders =
    [
        ("x-gatehouse-strategy", ["Ordered", "cheapest", "LOWESTLATENCY", "Weighted", "LeastBusy", "bogus", "", " Ordered "]),
        ("x-gatehouse-fallback", ["off", "on", "0", "1", "true", "FALSE", "maybe", ""]),
        // At most one retry: with an injected timeout, more would be slow by request (2 s per try, per deployment).
        ("x-gatehouse-retries", ["0", "1", "-1", "11", "abc", "99999999999", "1e308", "2147483648"]),
        ("x-gatehouse-cache", ["on", "off", "refresh", "ON", "bogus", ""]),
        ("x-gatehouse-cache-ttl", ["1", "60", "0", "-1", "604801", "9223372036854775808", "abc", "1.5"]),
        ("x-gatehouse-cache-namespace", ["a", "a/b", new string('n', 65), "..", "ns with space", "", "%FF", "ns.1"]),
        ("x-gatehouse-tools", ["prefilter", "on", "off", "PREFILTER", "bogus", ""]),
        ("x-gatehouse-sim-fault", ["error", "rate_limit", "timeout", "cut_stream", "malformed", "none", "bogus"]),
        ("x-gatehouse-sim-error-status", ["500", "503", "400", "429", "599", "99999", "-1", "abc"]),
        ("x-gatehouse-sim-retry-after", ["0", "1", "-1", "2147483647", "abc"]),
        ("x-gatehouse-sim-ttft-ms", ["0", "5", "-1", "2147483647", "abc"]),
        ("x-gatehouse-sim-tps", ["0", "1000000", "-1", "NaN", "Infinity", "1e-300", "abc"]),
        ("anthropic-version", ["2023-06-01", "", "bogus"]),
        ("anthropic-beta", ["prompt-caching-2024-07-31", "x,y,,", ""]),
        ("Accept", ["text/event-stream", "application/xml", "*/*", ";;"]),
        ("Accept-Encoding", ["gzip, br", "identity;q=0", "bogus"]),
        ("Expect", ["100-continue"]),
        ("x-request-id", ["\u00e9\u4e2d", "abc"]),
    ];

    public static Gen<FuzzRequest> For(FuzzTarget target, FuzzIds ids, string masterKey)
    {
        var method = Gen.Frequency((19, Gen.Const(target.Method)), (1, Gen.OneOf(s_methods)));
        var pathAndQuery = Gen.Select(Path(target, ids), Query(target), static (p, q) => p + q);
        var body = target.HasBody ? Body(target.Seeds) : Gen.Frequency((19, Gen.Const((byte[]?)null)), (1, Gen.Byte.Array[0, 200].Select(b => (byte[]?)b)));
        var chunked = Gen.Frequency((9, Gen.Const(false)), (1, Gen.Const(true)));
        return Gen.Select(method, pathAndQuery, Headers(ids, masterKey), ContentType(), body, chunked,
            (m, pq, h, ct, b, c) => new FuzzRequest(target.Name, m, pq, h.Headers, b, b is null ? null : ct, c && b is not null, h.Credential));
    }

    private static Gen<string> Path(FuzzTarget target, FuzzIds ids)
    {
        var parts = target.PathTemplate.Split('/');
        var segments = parts.Select(part => part.StartsWith('{')
            ? Gen.Frequency((9, Gen.Const(ids.Resolve(part.Trim('{', '}')))), (1, Segment()))
            : Gen.Const(part)).ToArray();
        var filled = segments.Aggregate(Gen.Const(""), (acc, seg) => Gen.Select(acc, seg, static (a, s) => a.Length == 0 && s.Length == 0 ? "" : a + "/" + s));
        return Gen.Select(filled, Gen.Frequency((30, Gen.Const(0)), (1, Gen.Int[1, 6])), static (path, twist) => twist switch
        {
            0 => path.Length == 0 ? "/" : path,
            1 => path + "/",
            2 => path.Replace("/", "//", StringComparison.Ordinal),
            3 => path.ToUpperInvariant(),
            4 => path + "/extra",
            5 => path + "/%2e%2e/%2e%2e/api/keys",
            _ => path + "%00",
        });
    }

    private static Gen<string> Segment() => Gen.Frequency(
        (6, Gen.OneOf(s_pathSegments)),
        (1, Gen.Int[100, 10_000].Select(n => new string('a', n))),
        (1, Gen.String[0, 20].Select(Uri.EscapeDataString)));

    private static Gen<string> Query(FuzzTarget target)
    {
        var garbage = Gen.Frequency(
            (4, Gen.Select(Gen.OneOf("limit", "cursor", "from", "to", "x", "", "%FF", "a[b]"), Gen.OneOf(s_queryValues), static (k, v) => k + "=" + v)),
            (1, Gen.OneOf("%", "&&&", "=", "a=%ZZ", "a=1&a=2&a=3", "limit=1&limit=2", "from=&to=", "?", "#frag")),
            (1, Gen.Int[1_000, 10_000].Select(n => "q=" + new string('q', n))));
        var pairs = target.Query.Select(p => Gen.Frequency(
            (2, Gen.Const("")),
            (1, Gen.OneOf(p.Value).Select(v => p.Key + "=" + Uri.EscapeDataString(v))),
            (1, Gen.OneOf(s_queryValues).Select(v => p.Key + "=" + v)))).ToArray();
        var known = pairs.Length == 0 ? Gen.Const("") : pairs.Aggregate(Gen.Const(""), (acc, pair) => Gen.Select(acc, pair, static (a, p) => p.Length == 0 ? a : a.Length == 0 ? p : a + "&" + p));
        var extra = Gen.Frequency((8, Gen.Const("")), (1, garbage));
        return Gen.Select(known, extra, static (k, e) => (k, e) switch
        {
            ({ Length: 0 }, { Length: 0 }) => "",
            ({ Length: 0 }, _) => "?" + e,
            (_, { Length: 0 }) => "?" + k,
            _ => "?" + k + "&" + e,
        });
    }

    private static Gen<(IReadOnlyList<KeyValuePair<string, string>> Headers, FuzzCredential Credential)> Headers(FuzzIds ids, string masterKey)
    {
        static KeyValuePair<string, string> H(string name, string value) => new(name, value);
        static (KeyValuePair<string, string>[], FuzzCredential) A(FuzzCredential credential, params KeyValuePair<string, string>[] headers) => (headers, credential);
        var auth = Gen.Frequency<(KeyValuePair<string, string>[] Headers, FuzzCredential Credential)>(
            (40, Gen.Const(A(FuzzCredential.Valid, H("Authorization", "Bearer " + masterKey)))),
            (8, Gen.Const(A(FuzzCredential.Valid, H("Authorization", "Bearer " + ids.UserKey)))),
            (4, Gen.Const(A(FuzzCredential.Valid, H("x-api-key", masterKey)))),
            (1, Gen.Const(A(FuzzCredential.Valid, H("Authorization", "bearer " + masterKey)))),
            (1, Gen.Const(A(FuzzCredential.Invalid))),
            (1, Gen.Const(A(FuzzCredential.Invalid, H("Authorization", "Basic abc")))),
            (1, Gen.Const(A(FuzzCredential.Invalid, H("Authorization", "Basic abc"), H("x-api-key", masterKey)))),
            (1, Gen.Const(A(FuzzCredential.Invalid, H("Authorization", "Bearer ")))),
            (1, Gen.Const(A(FuzzCredential.Invalid, H("Authorization", "Bearer sk-gh-wrong")))),
            (1, Gen.Const(A(FuzzCredential.Invalid, H("Authorization", "Token " + masterKey)))),
            (1, Gen.Const(A(FuzzCredential.Invalid, H("x-api-key", "")))),
            (1, Gen.Const(A(FuzzCredential.Invalid, H("Authorization", "Bearer " + masterKey + "\u00e9")))),
            (1, Gen.Int[1_000, 40_000].Select(n => A(FuzzCredential.Invalid, H("Authorization", "Bearer " + new string('k', n))))),
            (1, Gen.Const(A(FuzzCredential.Unclear, H("Authorization", "Bearer " + masterKey + " extra")))),
            (1, Gen.Const(A(FuzzCredential.Unclear, H("Authorization", "Bearer " + masterKey), H("Authorization", "Bearer sk-gh-wrong")))),
            (1, Gen.Const(A(FuzzCredential.Unclear, H("Authorization", "Bearer\t" + masterKey)))));
        var overrides = Gen.Select(Gen.Int[0, s_overrideHeaders.Length - 1], Gen.Int[0, 100], static (i, v) =>
        {
            var (name, values) = s_overrideHeaders[i];
            return H(name, values[v % values.Length]);
        }).Array[0, 3];
        var junk = Gen.Frequency(
            (30, Gen.Const(Array.Empty<KeyValuePair<string, string>>())),
            (1, Gen.Int[1_000, 40_000].Select(n => new[] { H("x-junk", new string('j', n)) })),
            (1, Gen.Int[50, 150].Select(n => Enumerable.Range(0, n).Select(i => H("x-junk-" + i, "v")).ToArray())));
        return Gen.Select(auth, overrides, junk, static (a, o, j) => ((IReadOnlyList<KeyValuePair<string, string>>)[.. a.Headers, .. o, .. j], a.Credential));
    }

    private static Gen<string?> ContentType() => Gen.Frequency(
        (24, Gen.Const((string?)"application/json")),
        (1, Gen.Const((string?)null)),
        (4, Gen.OneOf(s_contentTypes).Select(s => (string?)s)));

    /// <summary>Most bodies are a seed with one to four mutations; the rest are broken at the byte level.</summary>
    private static Gen<byte[]?> Body(IReadOnlyList<string> seeds)
    {
        var trees = seeds.Select(JsonTree.Parse).ToArray();
        var seed = Gen.Int[0, trees.Length - 1];
        var mutation = Gen.Select(
            Gen.Frequency((10, Gen.Const(JsonMutationKind.Replace)), (3, Gen.Const(JsonMutationKind.Remove)), (3, Gen.Const(JsonMutationKind.Add)),
                (2, Gen.Const(JsonMutationKind.RepeatKey)), (2, Gen.Const(JsonMutationKind.Wrap)), (4, Gen.Const(JsonMutationKind.ExtremeNumber))),
            Gen.Int[0, 1_000_000], NastyJson.Any, NastyJson.Number, NastyJson.Key,
            static (kind, pick, value, number, key) => new JsonMutation(kind, pick, kind == JsonMutationKind.ExtremeNumber ? number : value, key));
        var mutated = Gen.Select(seed, mutation.Array[1, 4], (s, ms) =>
        {
            var tree = trees[s].Clone();
            foreach (var m in ms)
            {
                m.ApplyTo(tree);
            }

            return tree.ToBytes();
        });
        var plain = seed.Select(s => trees[s].ToBytes());
        return Gen.Frequency(
            (3, plain.Select(b => (byte[]?)b)),
            (14, mutated.Select(b => (byte[]?)b)),
            (2, Gen.Select(mutated, Gen.Int[0, 1_000_000], static (b, cut) => (byte[]?)b[..(cut % (b.Length + 1))])),
            (1, Gen.Select(mutated, Gen.Int[0, 1_000_000], Gen.Byte, static (b, at, x) =>
            {
                var i = at % (b.Length + 1);
                return (byte[]?)[.. b[..i], (byte)(x | 0x80), .. b[i..]];
            })),
            (1, Gen.Byte.Array[0, 2_000].Select(b => (byte[]?)b)),
            (1, Gen.OneOf("", " ", "null", "[]", "\"x\"", "1", "{}", "{}{}", "{\"a\":1,}", "\uFEFF{}", "{\"model\":\"sim-small\"", "\0").Select(s => (byte[]?)Encoding.UTF8.GetBytes(s))),
            (1, Gen.Select(plain, Gen.Int[0, 2], static (b, how) => (byte[]?)(how switch
            {
                0 => [0xEF, 0xBB, 0xBF, .. b],
                1 => Encoding.Unicode.GetBytes(Encoding.UTF8.GetString(b)),
                _ => [.. b, .. " trailing"u8],
            }))),
            (1, NastyJson.Any.Select(b => (byte[]?)b)));
    }
}
