using BenchmarkDotNet.Attributes;
using Gatehouse.Records;
using Gatehouse.Storage;
using Gatehouse.Storage.Sqlite;

namespace Gatehouse.Benchmarks;

/// <summary>
/// The off-path cost of request history: <see cref="SqliteRequestRecordStore.InsertBatchAsync"/>
/// writing one batch to a migrated SQLite file (WAL, synchronous=NORMAL) in a temp directory.
/// Off the request's latency, but on the same CPU: at N req/s the writer spends N × (time per
/// record). Results are per batch; divide by <see cref="BatchSize"/> for per record.
/// Baseline: building the same number of <see cref="RequestRecord"/> objects (what the hot path allocates).
/// </summary>
[MemoryDiagnoser]
public class RecordWriteBenchmarks : IDisposable
{
    private string _directory = "";
    private SqliteDatabase _database = null!;
    private SqliteRequestRecordStore _store = null!;
    private RequestRecord[] _batch = [];

    [Params(1, 100, 500)]
    public int BatchSize { get; set; } = 100;

    [GlobalSetup]
    public void Setup()
    {
        _directory = Path.Combine(Path.GetTempPath(), "gatehouse-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(_directory);
        _database = new SqliteDatabase(Path.Combine(_directory, "gatehouse.db"));
        new SqliteMigrator(_database, TimeProvider.System).MigrateAsync(CancellationToken.None).GetAwaiter().GetResult();
        _store = new SqliteRequestRecordStore(_database);
        _batch = [.. Enumerable.Range(0, BatchSize).Select(_ => NewRecord())];
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

        _database?.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(Baseline = true, Description = "allocate records (baseline)")]
    public int Allocate()
    {
        var sum = 0;
        for (var i = 0; i < BatchSize; i++)
        {
            sum += NewRecord().StatusCode;
        }

        return sum;
    }

    [Benchmark(Description = "InsertBatchAsync")]
    public async Task Insert()
    {
        // Fresh ids each time: the table's primary key is the request id.
        for (var i = 0; i < _batch.Length; i++)
        {
            _batch[i] = _batch[i] with { Id = Guid.CreateVersion7() };
        }

        await _store.InsertBatchAsync(_batch, CancellationToken.None);
    }

    private static RequestRecord NewRecord() => new()
    {
        Id = Guid.CreateVersion7(),
        Timestamp = DateTimeOffset.UtcNow,
        KeyId = "master",
        Endpoint = "chat.completions",
        RequestedModel = "gpt-4o-mini",
        Deployment = "mock-4o-mini",
        Provider = "mock",
        StatusCode = 200,
        InputTokens = 58,
        OutputTokens = 64,
        CostUsd = 0.0000471m,
        LatencyMs = 0.42,
        Streamed = false,
    };
}
