using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Serialization;

namespace Gatehouse.LoadTest;

/// <summary>What the calls of one run came back with: latency from due time, status and error code, successes per key.</summary>
internal sealed class RunResults(int keyCount)
{
    private readonly ConcurrentQueue<long> _latencyTicks = new();
    private readonly ConcurrentDictionary<string, int> _outcomes = new(StringComparer.Ordinal);
    private readonly int[] _successesPerKey = new int[keyCount];
    private readonly int[] _refusalsPerKey = new int[keyCount];

    public void Add(int keyIndex, int status, string? code, TimeSpan latency)
    {
        _latencyTicks.Enqueue(latency.Ticks);
        _outcomes.AddOrUpdate(code is null ? status.ToString() : $"{status} {code}", 1, static (_, n) => n + 1);
        if (status == 200)
        {
            Interlocked.Increment(ref _successesPerKey[keyIndex]);
        }
        else if (status == 429)
        {
            Interlocked.Increment(ref _refusalsPerKey[keyIndex]);
        }
    }

    public void NotSent(int keyIndex) => _outcomes.AddOrUpdate("not_sent", 1, static (_, n) => n + 1);

    public RunSummary Summarize(int rate, TimeSpan duration, TimeSpan wall, LoadKey[] keys)
    {
        var latencies = _latencyTicks.ToArray();
        Array.Sort(latencies);
        double Percentile(double p) => latencies.Length == 0 ? 0 : TimeSpan.FromTicks(latencies[Math.Min(latencies.Length - 1, (int)Math.Ceiling(p * latencies.Length) - 1)]).TotalMilliseconds;

        var outcomes = new SortedDictionary<string, int>(_outcomes, StringComparer.Ordinal);
        var sent = outcomes.Where(o => o.Key != "not_sent").Sum(o => o.Value);
        var ok = outcomes.GetValueOrDefault("200");
        var refused = outcomes.Where(o => o.Key.StartsWith("429", StringComparison.Ordinal)).Sum(o => o.Value);
        var attempted = sent + outcomes.GetValueOrDefault("not_sent");
        return new RunSummary
        {
            TargetRate = rate,
            DurationSeconds = duration.TotalSeconds,
            WallSeconds = wall.TotalSeconds,
            Attempted = attempted,
            Succeeded = ok,
            Refused = refused,
            Errors = attempted - ok - refused,
            AchievedRate = sent / wall.TotalSeconds,
            P50Ms = Percentile(0.50),
            P95Ms = Percentile(0.95),
            P99Ms = Percentile(0.99),
            MaxMs = latencies.Length == 0 ? 0 : TimeSpan.FromTicks(latencies[^1]).TotalMilliseconds,
            Outcomes = outcomes,
            SuccessesPerKey = keys.Select((k, i) => new KeyCount(k.Id, _successesPerKey[i], _refusalsPerKey[i])).ToArray(),
        };
    }
}

internal sealed class RunSummary
{
    public int TargetRate { get; init; }
    public double DurationSeconds { get; init; }
    public double WallSeconds { get; init; }
    public int Attempted { get; init; }
    public int Succeeded { get; init; }
    public int Refused { get; init; }
    public int Errors { get; init; }
    public double AchievedRate { get; init; }
    public double P50Ms { get; init; }
    public double P95Ms { get; init; }
    public double P99Ms { get; init; }
    public double MaxMs { get; init; }
    public IDictionary<string, int> Outcomes { get; init; } = new Dictionary<string, int>();
    public KeyCount[] SuccessesPerKey { get; init; } = [];

    public double ErrorPercent => Attempted == 0 ? 0 : 100.0 * Errors / Attempted;

    public string ToText()
    {
        var text = new StringBuilder();
        text.AppendLine($"attempted {Attempted} at {TargetRate}/s for {DurationSeconds:F0} s (wall {WallSeconds:F1} s, achieved {AchievedRate:F0}/s)");
        text.AppendLine($"succeeded {Succeeded}, refused (429) {Refused}, errors {Errors} ({ErrorPercent:F3}%)");
        text.AppendLine($"latency from due time: p50 {P50Ms:F1} ms, p95 {P95Ms:F1} ms, p99 {P99Ms:F1} ms, max {MaxMs:F1} ms");
        text.Append("outcomes: ").AppendJoin(", ", Outcomes.Select(o => $"{o.Key}={o.Value}"));
        return text.ToString();
    }
}

internal sealed record KeyCount(string KeyId, int Succeeded, int Refused);

[JsonSourceGenerationOptions(WriteIndented = true, PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(RunSummary))]
internal sealed partial class LoadJsonContext : JsonSerializerContext;
