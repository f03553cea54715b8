using BenchmarkDotNet.Attributes;
using Gatehouse.Records;
using Gatehouse.Records.Journal;

namespace Gatehouse.Benchmarks;

/// <summary>
/// What the crash-safe record journal adds to each call: <see cref="RecordJournal.Append"/> of one
/// record (encode, CRC, one positioned write into the page cache) as every call does it with the
/// default background sync, and with <c>JournalSyncMilliseconds: 0</c> (an fsync per append, the
/// setting that closes the power-loss window). Baseline: encoding the frame alone (the part that is
/// pure CPU). The background fsync once a second is off the call's path and not measured here.
/// </summary>
[MemoryDiagnoser]
public class RecordJournalBenchmarks : IDisposable
{
    private readonly RequestRecord _record = new()
    {
        Id = Guid.CreateVersion7(),
        Timestamp = DateTimeOffset.UtcNow,
        KeyId = "key_0123456789abcdef",
        Endpoint = "chat.completions",
        RequestedModel = "gpt-4o-mini",
        Deployment = "mock-4o-mini",
        Provider = "mock",
        StatusCode = 200,
        InputTokens = 58,
        OutputTokens = 64,
        CostUsd = 0.0000471m,
        LatencyMs = 0.42,
        TimeToFirstTokenMs = 0.2,
        Streamed = false,
    };

    private string _directory = "";
    private RecordJournal _journal = null!;

    [Params(false, true)]
    public bool SyncEveryAppend { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "gatehouse-bench-journal-" + Guid.NewGuid().ToString("N"));
        _journal = RecordJournal.Open(_directory, SyncEveryAppend, TimeProvider.System);
    }

    [GlobalCleanup]
    public void Cleanup() => Dispose();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (!disposing)
        {
            return;
        }

        _journal?.Dispose();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(Baseline = true, Description = "encode the frame (baseline)")]
    public int Encode() => RecordJournalFrame.Encode(_record).Length;

    /// <summary>Segments rotate at 8 MB during the run, as they do in production, so the file never grows without bound.</summary>
    [Benchmark(Description = "RecordJournal.Append")]
    public bool Append() => _journal.Append(_record) is not null;
}
