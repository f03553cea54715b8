using System.Globalization;
using System.Text.RegularExpressions;
using CsCheck;
using Xunit;

namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// The fuzz suite of issue 12: thousands of generated and mutated requests at every <c>/v1</c> and
/// <c>/api</c> endpoint of one real Gatehouse process (simulator upstream, master key) — malformed
/// JSON, invalid UTF-8, lone surrogates, wrong types, extreme numbers, deep nesting, huge strings
/// and arrays, bad headers and query strings — each answer held to <see cref="FuzzOracle"/>: no
/// 500, no 5xx but the documented upstream ones for an injected fault, no answer slower than
/// <see cref="FuzzOracle.Bound"/>, a well-formed error body in the path's dialect, a 401 for every
/// request without a valid key; and the server's memory back under a bound at the end.
/// <para>
/// Two tests. <see cref="EveryEndpoint_FixedSeeds_MeetsTheBar"/> is deterministic: a fixed corpus,
/// the same cases on every run, every endpoint covered, and every distinct failure listed (not
/// just the first). <see cref="AnyEndpoint_RandomSeed_MeetsTheBar"/> draws from a random seed each
/// run, so CI keeps exploring, and on failure CsCheck shrinks to the smallest failing request and
/// prints its seed. Replay either with <c>GATEHOUSE_FUZZ_SEED</c>: <c>target@seed</c> (from the
/// corpus report) runs that one corpus case, a bare seed (from CsCheck's message) runs that one
/// case in the random test. <c>GATEHOUSE_FUZZ_ITER</c> scales both (default 1: about 2,100 corpus
/// and up to 600 random requests, some 20 s on two cores, start-up included).
/// </para>
/// <para>
/// Why CsCheck (5.0.1) and not FsCheck: it is C# first (generators compose with LINQ, no Arb
/// classes or F# types in test code); a generator's size is tracked through every combinator, so
/// shrinking is automatic and finds the shortest string, smallest array and shallowest nesting
/// that still fail without a hand-written shrinker for request bodies; every case has a seed
/// string that regenerates it exactly (<see cref="PCG"/>), which is what both the fixed corpus and
/// the replay are built on; <c>SampleAsync</c> runs async HTTP properties on several threads; and
/// it has no dependencies. FsCheck 3 would need F#-flavoured <c>Arbitrary</c>/<c>Gen</c> plumbing
/// for the same, and its xunit integration targets test methods rather than a loop we bound in time.
/// </para>
/// <para>
/// The wall clock is measured here (a <see cref="System.Diagnostics.Stopwatch"/> per request)
/// because the issue asks for a response-time bound; the bound is generous (10 s, against
/// milliseconds for a healthy answer), so only a request that ties up the server trips it.
/// </para>
/// </summary>
[Collection(nameof(FuzzTestGroup))]
public sealed partial class FuzzTests
{
    /// <summary>The server may grow by this much over its warmed-up baseline and must be back under it at the end.</summary>
    private const long MemoryGrowthBound = 512L * 1024 * 1024;

    private const uint Stream = 12;
    private const int CorpusPerTarget = 45;
    private const int RandomIterations = 600;

    /// <summary>A safety net for a saturated server, not the expected run time (about 10 s per test on two cores).</summary>
    private static TimeSpan Deadline => TimeSpan.FromSeconds(120 * Scale);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string? ReplaySeed => Environment.GetEnvironmentVariable("GATEHOUSE_FUZZ_SEED") is { Length: > 0 } seed ? seed.Trim() : null;

    private static int Scale => int.TryParse(Environment.GetEnvironmentVariable("GATEHOUSE_FUZZ_ITER"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n > 0 ? n : 1;

    [Fact]
    public Task EveryEndpoint_FixedSeeds_MeetsTheBar() => RunCorpusAsync(settings: []);

    /// <summary>
    /// The same corpus on PostgreSQL storage: what its stores refuse that SQLite takes (NUL in text,
    /// values out of a column's range) must still be a precise answer, never a 500.
    /// </summary>
    [Fact]
    public async Task EveryEndpoint_FixedSeeds_OnPostgreSql_MeetsTheBar()
    {
        await using var database = await ScaleOut.ScaleOutEnvironment.CreateAsync();
        await RunCorpusAsync(["--Gatehouse:Storage:Provider=PostgreSql", $"--ConnectionStrings:Gatehouse={database.ConnectionString}"]);
    }

    private static async Task RunCorpusAsync(string[] settings)
    {
        await using var server = await FuzzServer.StartAsync(Ct, settings);
        var targets = FuzzTargets.All(server.Ids);
        await server.WarmUpAsync(targets, Ct);
        var gens = targets.ToDictionary(t => t.Name, t => FuzzGen.For(t, server.Ids, FuzzServer.MasterKey), StringComparer.Ordinal);

        IEnumerable<(Func<FuzzRequest>, string)> Corpus()
        {
            if (ReplaySeed is { } replay && replay.Split('@', 2) is [var name, var seed])
            {
                yield return (() => gens[name].Generate(PCG.Parse(seed), null, out _), replay);
                yield break;
            }

            // Round-robin over the targets, so a run stopped early has still covered every endpoint.
            for (var round = 0; round < CorpusPerTarget * Scale; round++)
            {
                for (var t = 0; t < targets.Count; t++)
                {
                    var pcg = new PCG(Stream, (ulong)((t * 1_000_003L) + round));
                    var replayAs = targets[t].Name + "@" + pcg.ToString();
                    var gen = gens[targets[t].Name];
                    yield return (() => gen.Generate(pcg, null, out _), replayAs);
                }
            }
        }

        var run = new FuzzRun(server, Deadline);
        await run.RunAsync(Corpus(), workers: 2, Ct);
        var (memoryOk, memory) = await CheckMemoryAsync(server);

        Assert.True(run.Findings.Count == 0 && !run.Stopped && memoryOk, Failure(run, memory));
    }

    [Fact]
    public async Task AnyEndpoint_RandomSeed_MeetsTheBar()
    {
        await using var server = await FuzzServer.StartAsync(Ct);
        var targets = FuzzTargets.All(server.Ids);
        await server.WarmUpAsync(targets, Ct);
        var any = Gen.OneOf(targets.Select(t => (IGen<FuzzRequest>)FuzzGen.For(t, server.Ids, FuzzServer.MasterKey)).ToArray());
        var run = new FuzzRun(server, Deadline);
        var seed = ReplaySeed is { } s && !s.Contains('@', StringComparison.Ordinal) ? s : null;

        string? sampleFailure = null;
        try
        {
            await any.SampleAsync(
                async request =>
                {
                    // Past the deadline (a saturated server) the remaining iterations pass at once, so the test ends.
                    if (await run.SendAsync(request, "(the seed CsCheck prints above)", Ct) is { } finding)
                    {
                        throw new FuzzFailureException(finding.ToString());
                    }
                },
                seed: seed,
                iter: seed is null ? RandomIterations * Scale : 1,
                threads: 2,
                print: static r => r.ToString());
        }
        catch (Exception e) when (e is CsCheckException or FuzzFailureException)
        {
            var printed = CsCheckSeed().Match(e.Message);
            sampleFailure = e.Message + (printed.Success ? $"\nReplay: GATEHOUSE_FUZZ_SEED={printed.Groups[1].Value}" : "");
        }

        var (memoryOk, memory) = await CheckMemoryAsync(server);
        Assert.True(sampleFailure is null && !run.Stopped && memoryOk, (sampleFailure ?? "") + "\n\n" + Failure(run, memory));
    }

    /// <summary>Whether the server's memory is back under the bound over its baseline, and the numbers either way.</summary>
    private static async Task<(bool Ok, string Summary)> CheckMemoryAsync(FuzzServer server)
    {
        if (server.HasExited)
        {
            return (false, "MEMORY: the server process exited");
        }

        var bound = server.BaselineBytes + MemoryGrowthBound;
        var settled = await server.SettledWorkingSetAsync(bound, Ct);
        var summary = $"server memory: {server.BaselineBytes / (1024 * 1024)} MB after warm-up, {settled / (1024 * 1024)} MB after the run (bound: +{MemoryGrowthBound / (1024 * 1024)} MB)";
        TestContext.Current.TestOutputHelper?.WriteLine(summary);
        return settled <= bound ? (true, summary) : (false, "MEMORY OVER THE BOUND: " + summary);
    }

    private static string Failure(FuzzRun run, string memory)
    {
        TestContext.Current.TestOutputHelper?.WriteLine($"{run.Sent} requests in {run.Elapsed.TotalSeconds:F1} s, {run.Findings.Count} bad answers");
        return memory + "\n" + run.Report();
    }

    [GeneratedRegex("""seed: "([^"]+)"|CsCheck_Seed=(\S+)""")]
    private static partial Regex CsCheckSeed();
}
