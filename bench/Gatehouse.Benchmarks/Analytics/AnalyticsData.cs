using System.Globalization;
using System.Text;

namespace Gatehouse.Benchmarks.Analytics;

/// <summary>
/// The synthetic request history the analytics measurement runs on, generated inside the database by
/// one INSERT … SELECT per chunk: row <c>i</c>'s columns come from integer hashes of <c>i</c>, so
/// PostgreSQL and SQLite hold exactly the same rows and their reports can be compared byte for byte.
/// </summary>
/// <remarks>
/// Shape: records evenly spread over <see cref="Days"/> days ending at <see cref="End"/>; 5,000 keys
/// (skewed: a few busy keys, a long tail; 2% of calls by the master key, key NULL), 500 owners of 9
/// keys each and every tenth key without owner; 20 models (skewed, 1% NULL); 95% 200s, the rest 429,
/// 400, 502, 504 and 500, 0.3% of 200s cut mid-stream; 60% of calls cache-eligible (miss, hit,
/// coalesced); 30% with tool prefiltering; latencies 80 ms – 33 s with a long tail, in microseconds.
/// </remarks>
internal static class AnalyticsData
{
    public const int KeyCount = 5000;

    public const int Days = 30;

    /// <summary>"Now" for the measurement: fixed, and not on an hour, so every range has partial hours at both ends.</summary>
    public static readonly DateTimeOffset End = new(2026, 12, 1, 10, 17, 23, 456, TimeSpan.Zero);

    public static readonly DateTimeOffset Start = End.AddDays(-Days);

    private const long Prime = 2147483647;

    private const string FailedAttempts = "[{\"deployment\":\"fallback\",\"error\":\"timeout\"}]";

    private static readonly string[] Models =
    [
        "gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "claude-sonnet-4", "gpt-4.1", "claude-3-5-haiku", "gemini-2.0-flash",
        "o4-mini", "gpt-4.1-nano", "text-embedding-3-small", "gemini-2.5-pro", "llama-3.3-70b", "mistral-small", "o3-mini",
        "deepseek-v3", "claude-opus-4", "mistral-large", "qwen-2.5-72b", "deepseek-r1", "command-r-plus",
    ];

    public static string KeyId(int n) => "key-" + n.ToString("D5", CultureInfo.InvariantCulture);

    public static string Owner(int team) => "team-" + team.ToString("D3", CultureInfo.InvariantCulture);

    /// <summary>The 5,000 virtual keys, owners as described above.</summary>
    public static string InsertKeys(bool postgres) =>
        $"""
        INSERT INTO virtual_keys (id, name, owner, key_hash, prefix, created_at_us)
        SELECT {Pad(postgres, "key-", "n", 5)}, 'bench key ' || n,
               CASE WHEN n % 10 = 9 THEN NULL ELSE {Pad(postgres, "team-", "n / 10", 3)} END,
               {Pad(postgres, "hash-", "n", 8)}, 'sk-gh-', {Micros(Start.AddDays(-1))}
        FROM ({Series(postgres, 0, KeyCount - 1)}) AS keys
        """;

    /// <summary>Rows <paramref name="first"/> to <paramref name="last"/> (inclusive) of <paramref name="total"/>.</summary>
    public static string InsertRecords(bool postgres, long first, long last, long total)
    {
        var stepUs = (Micros(End) - Micros(Start)) / total;
        var model = new StringBuilder("CASE m");
        var price = new StringBuilder("CASE m");
        for (var i = 0; i < Models.Length; i++)
        {
            model.Append(CultureInfo.InvariantCulture, $" WHEN {i} THEN '{Models[i]}'");
            price.Append(CultureInfo.InvariantCulture, $" WHEN {i} THEN {(i % 7 + 1) * 150_000}");
        }

        model.Append(" END");
        price.Append(" ELSE 0 END");
        var id = postgres
            ? "lpad(to_hex(ts), 16, '0') || '-7000-8000-' || lpad(to_hex(i), 12, '0')"
            : "printf('%016x-7000-8000-%012x', ts, i)";

        // Innermost: eight independent uniform draws in [0, 1e6) per row (a square modulo 2^31-1 of an affine map of i).
        // Middle: the row's choices. Outer: the columns.
        return $"""
            INSERT INTO request_records (
                id, timestamp_us, key_id, endpoint, requested_model, deployment, provider, status_code, error_class, error_message,
                input_tokens, output_tokens, cached_input_tokens, cost_pusd, latency_ms, time_to_first_token_ms, streamed,
                failed_attempts, cache_status, tools_offered, tools_sent, tool_tokens_offered, tool_tokens_sent, tool_search_rounds)
            SELECT {id}, ts, CASE WHEN k < 0 THEN NULL ELSE {Pad(postgres, "key-", "k", 5)} END,
                   CASE WHEN e < 17 THEN '/v1/chat/completions' WHEN e < 19 THEN '/v1/messages' ELSE '/v1/embeddings' END,
                   CASE WHEN m < 0 THEN NULL ELSE {model} END,
                   CASE WHEN m < 0 THEN NULL ELSE {model} || '-primary' END,
                   CASE WHEN m < 0 THEN NULL WHEN m % 3 = 0 THEN 'openai' WHEN m % 3 = 1 THEN 'anthropic' ELSE 'azure' END,
                   status,
                   CASE status WHEN 429 THEN 'rate_limited' WHEN 400 THEN 'bad_request' WHEN 502 THEN 'upstream_error'
                               WHEN 504 THEN 'timeout' WHEN 500 THEN 'internal' ELSE CASE WHEN r4 % 1000 < 3 THEN 'stream_cut' END END,
                   CASE WHEN status >= 400 THEN 'the upstream answered ' || status END,
                   input_tokens, output_tokens, CASE WHEN r5 % 10 < 2 THEN input_tokens / 2 ELSE 0 END,
                   CASE WHEN m < 0 THEN 0 ELSE input_tokens * ({price}) + output_tokens * 4 * ({price}) END,
                   latency_us / 1000.0, CASE WHEN streamed = 1 THEN (latency_us * 3 / 10) / 1000.0 END, streamed,
                   CASE WHEN status IN (502, 504) THEN '{FailedAttempts}' END,
                   CASE WHEN c < 40 THEN NULL WHEN c < 85 THEN 'miss' WHEN c < 97 THEN 'hit' ELSE 'coalesced' END,
                   CASE WHEN tools THEN offered END, CASE WHEN tools THEN sent END,
                   CASE WHEN tools THEN offered * 150 END, CASE WHEN tools THEN sent * 150 END,
                   CASE WHEN tools THEN (r4 / 100) % 3 END
            FROM (
                SELECT i, {Micros(Start)} + i * {stepUs} + r1 % {stepUs} AS ts,
                       CASE WHEN r8 % 100 < 2 THEN -1 ELSE (r1 / 1000) * (r1 / 1000) * {KeyCount} / 1000000 END AS k,
                       CASE WHEN r8 % 1000 >= 990 THEN -1 ELSE (r2 / 1000) * (r2 / 1000) * {Models.Length} / 1000000 END AS m,
                       CASE WHEN r3 < 950000 THEN 200 WHEN r3 < 970000 THEN 429 WHEN r3 < 980000 THEN 400
                            WHEN r3 < 990000 THEN 502 WHEN r3 < 995000 THEN 504 ELSE 500 END AS status,
                       50 + r5 % 3950 AS input_tokens,
                       CASE WHEN r3 < 950000 THEN (r5 / 3950) % 1000 ELSE 0 END AS output_tokens,
                       CASE WHEN r6 < 700000 THEN 80000 + r7 * 42 / 100 WHEN r6 < 950000 THEN 400000 + r7 * 3
                            ELSE 3000000 + r7 * 30 END + r4 % 1000 AS latency_us,
                       (r8 / 10000) % 2 AS streamed, (r8 / 100000) % 20 AS e, (r8 / 100) % 100 AS c,
                       (r4 / 1000) % 10 < 3 AS tools, 5 + (r4 / 10000) % 56 AS offered,
                       CASE WHEN (r4 / 100) % 10 < 4 THEN 5 + (r4 / 10000) % 56 ELSE 6 END AS sent,
                       r4, r5
                FROM (
                    SELECT i,
                           ((x1 * x1 + i) % {Prime}) % 1000000 AS r1, ((x2 * x2 + i) % {Prime}) % 1000000 AS r2,
                           ((x3 * x3 + i) % {Prime}) % 1000000 AS r3, ((x4 * x4 + i) % {Prime}) % 1000000 AS r4,
                           ((x5 * x5 + i) % {Prime}) % 1000000 AS r5, ((x6 * x6 + i) % {Prime}) % 1000000 AS r6,
                           ((x7 * x7 + i) % {Prime}) % 1000000 AS r7, ((x8 * x8 + i) % {Prime}) % 1000000 AS r8
                    FROM (
                        SELECT i,
                               (i * 1103515245 + 12345) % {Prime} AS x1, (i * 1664525 + 1013904223) % {Prime} AS x2,
                               (i * 214013 + 2531011) % {Prime} AS x3, (i * 134775813 + 1) % {Prime} AS x4,
                               (i * 69069 + 362437) % {Prime} AS x5, (i * 1140671485 + 12820163) % {Prime} AS x6,
                               (i * 48271 + 7) % {Prime} AS x7, (i * 16807 + 104729) % {Prime} AS x8
                        FROM ({Series(postgres, first, last)}) AS g
                    ) AS x
                ) AS r
            ) AS row
            """;
    }

    public static long Micros(DateTimeOffset value) => (value.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10;

    /// <summary>A one-column relation <c>i</c> (or <c>n</c> for keys) from <paramref name="first"/> to <paramref name="last"/>.</summary>
    private static string Series(bool postgres, long first, long last) => postgres
        ? $"SELECT i, i AS n FROM generate_series({first}::bigint, {last}::bigint) AS s(i)"
        : $"WITH RECURSIVE s(i) AS (SELECT {first} UNION ALL SELECT i + 1 FROM s WHERE i < {last}) SELECT i, i AS n FROM s";

    private static string Pad(bool postgres, string prefix, string value, int width) => postgres
        ? $"'{prefix}' || lpad(({value})::text, {width}, '0')"
        : $"'{prefix}' || printf('%0{width}d', {value})";
}
