using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// Sends generated requests at a <see cref="FuzzServer"/> from a few workers and keeps every answer
/// below the bar. It stops early, with a finding of its own, when the server died, when it holds
/// more memory than <see cref="HardMemoryCap"/> (to keep the machine usable), when answers keep
/// timing out (the server is saturated and the rest would only wait), or at the deadline.
/// </summary>
internal sealed class FuzzRun(FuzzServer server, TimeSpan deadline)
{
    public const long HardMemoryCap = 4L * 1024 * 1024 * 1024;

    private const int MaxTimeouts = 6;

    private readonly ConcurrentQueue<FuzzFinding> _findings = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private int _timeouts;
    private int _sent;

    public IReadOnlyCollection<FuzzFinding> Findings => _findings;

    public int Sent => _sent;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>Why the run stopped before the last case, or null.</summary>
    public string? StoppedBecause { get; private set; }

    public bool Stopped => StoppedBecause is not null;

    public async Task RunAsync(IEnumerable<(Func<FuzzRequest> Make, string Replay)> cases, int workers, CancellationToken cancellationToken)
    {
        using var source = cases.GetEnumerator();
        var gate = new object();
        async Task WorkAsync()
        {
            while (true)
            {
                (Func<FuzzRequest> Make, string Replay) next;
                lock (gate)
                {
                    if (Stopped || !source.MoveNext())
                    {
                        return;
                    }

                    next = source.Current;
                }

                await SendAsync(next.Make(), next.Replay, cancellationToken);
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(_ => Task.Run(WorkAsync, cancellationToken)));
    }

    /// <summary>Sends one request and judges its answer; returns the finding (also kept), or null when the answer is right or nothing was sent.</summary>
    public async Task<FuzzFinding?> SendAsync(FuzzRequest request, string replay, CancellationToken cancellationToken)
    {
        if (Stopped)
        {
            return null;
        }

        var response = await server.SendAsync(request, cancellationToken);
        if (response is null)
        {
            return null;
        }

        var sent = Interlocked.Increment(ref _sent);
        var violation = FuzzOracle.Check(request, response);
        FuzzFinding? finding = null;
        if (violation is not null)
        {
            finding = new FuzzFinding(request, response, violation, replay);
            _findings.Enqueue(finding);
            if (violation.Kind is "slow" or "no-answer" && Interlocked.Increment(ref _timeouts) >= MaxTimeouts)
            {
                Stop($"{MaxTimeouts} answers were too slow or missing: the server is saturated, the rest would only wait");
            }
        }

        if (server.HasExited)
        {
            Stop("the server process exited:\n" + server.OutputTail(4000));
        }
        else if (sent % 50 == 0 && server.WorkingSetBytes > HardMemoryCap)
        {
            Stop($"the server holds {server.WorkingSetBytes / (1024 * 1024)} MB, over the hard cap of {HardMemoryCap / (1024 * 1024)} MB");
        }
        else if (_clock.Elapsed > deadline)
        {
            Stop($"the deadline of {deadline.TotalSeconds} s passed after {sent} requests");
        }

        return finding;
    }

    /// <summary>The findings grouped by target and signature (one example each, with the count), for a failure message or FUZZ-FINDINGS.md.</summary>
    public string Report()
    {
        var text = new StringBuilder();
        var groups = _findings.GroupBy(f => (f.Request.Target, f.Violation.Signature)).OrderBy(g => g.Key.Target, StringComparer.Ordinal).ThenBy(g => g.Key.Signature, StringComparer.Ordinal).ToList();
        text.Append(groups.Count).Append(" distinct findings in ").Append(_findings.Count).Append(" bad answers to ").Append(_sent).Append(" requests (")
            .Append(_clock.Elapsed.TotalSeconds.ToString("F1", System.Globalization.CultureInfo.InvariantCulture)).AppendLine(" s).");
        if (StoppedBecause is not null)
        {
            text.Append("STOPPED EARLY: ").AppendLine(StoppedBecause);
        }

        foreach (var group in groups)
        {
            // The smallest example of each group is the easiest to read and to replay.
            var smallest = group.MinBy(f => (f.Request.Body?.Length ?? 0) + f.Request.PathAndQuery.Length + f.Request.Headers.Sum(h => h.Value.Length))!;
            text.AppendLine().Append("── ").Append(group.Count()).Append("× ").AppendLine(smallest.ToString());
        }

        var logged = server.LoggedErrors();
        if (logged.Count > 0)
        {
            text.AppendLine().AppendLine("Errors the server logged:");
            foreach (var line in logged)
            {
                text.Append("  ").AppendLine(line);
            }
        }

        return text.ToString();
    }

    private void Stop(string reason) => StoppedBecause ??= reason;
}
