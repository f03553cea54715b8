using System.Net;
using Gatehouse.Records;
using Gatehouse.Records.Journal;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Records;

/// <summary>The record journal's files: what goes in comes back, a torn or corrupt tail is cut off, old segments close, and a server replays what it finds.</summary>
public sealed class RecordJournalTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Records_appended_come_back_in_order_from_a_segment_found_at_open()
    {
        var data = TempDirectory.Create();
        var written = Enumerable.Range(0, 3).Select(Record).ToList();
        using (var journal = RecordJournal.Open(data, syncEveryAppend: false, TimeProvider.System))
        {
            foreach (var record in written)
            {
                Assert.NotNull(journal.Append(record));
            }
        }

        using var reopened = RecordJournal.Open(data, syncEveryAppend: false, TimeProvider.System);
        var found = Assert.Single(reopened.ClosedSegments());
        Assert.True(found.Recovered);
        Assert.Equal(written, RecordJournal.Read(found));
    }

    [Fact]
    public void A_torn_last_entry_is_ignored_and_the_ones_before_it_are_kept()
    {
        var data = TempDirectory.Create();
        var path = WriteSegment(data, 3);
        using (var file = new FileStream(path, FileMode.Open))
        {
            file.SetLength(file.Length - 5); // the process died in the middle of the third write
        }

        using var journal = RecordJournal.Open(data, syncEveryAppend: false, TimeProvider.System);
        Assert.Equal([Record(0), Record(1)], RecordJournal.Read(journal.ClosedSegments().Single()));
    }

    [Fact]
    public void An_entry_whose_checksum_fails_ends_the_segment()
    {
        var data = TempDirectory.Create();
        var path = WriteSegment(data, 3);
        var bytes = File.ReadAllBytes(path);
        bytes[^20] ^= 0x20; // a byte inside the last entry's JSON: a sector that came back wrong
        File.WriteAllBytes(path, bytes);

        using var journal = RecordJournal.Open(data, syncEveryAppend: false, TimeProvider.System);
        Assert.Equal([Record(0), Record(1)], RecordJournal.Read(journal.ClosedSegments().Single()));
    }

    [Fact]
    public void A_file_that_is_not_a_journal_yields_nothing()
    {
        var data = TempDirectory.Create();
        Directory.CreateDirectory(Path.Combine(data, RecordJournal.DirectoryName));
        File.WriteAllText(Path.Combine(data, RecordJournal.DirectoryName, "records-000000000001.journal"), "not a journal at all");

        using var journal = RecordJournal.Open(data, syncEveryAppend: false, TimeProvider.System);
        Assert.Empty(RecordJournal.Read(journal.ClosedSegments().Single()));
    }

    [Fact]
    public void A_segment_older_than_its_age_closes_and_appends_go_to_a_new_one()
    {
        var time = new FakeTimeProvider();
        using var journal = RecordJournal.Open(TempDirectory.Create(), syncEveryAppend: true, time);
        var first = journal.Append(Record(0))!;

        journal.RotateIfDue(TimeSpan.FromSeconds(30));
        Assert.Empty(journal.ClosedSegments()); // not old enough yet

        time.Advance(TimeSpan.FromSeconds(31));
        journal.RotateIfDue(TimeSpan.FromSeconds(30));
        var second = journal.Append(Record(1))!;

        Assert.Same(first, Assert.Single(journal.ClosedSegments()));
        Assert.NotSame(first, second);
        Assert.Equal([Record(0)], RecordJournal.Read(first));
        Assert.Equal(2, journal.Status().Appended);

        journal.Delete(first);
        Assert.False(File.Exists(first.Path));
        Assert.Throws<InvalidOperationException>(() => journal.Delete(second));
    }

    [Fact]
    public void The_time_at_risk_is_the_age_of_the_oldest_append_not_yet_flushed()
    {
        var time = new FakeTimeProvider();
        using var journal = RecordJournal.Open(TempDirectory.Create(), syncEveryAppend: false, time);
        time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(TimeSpan.Zero, journal.Status().UnsyncedFor); // idle: nothing at risk, however long ago the last flush

        journal.Append(Record(0));
        time.Advance(TimeSpan.FromMilliseconds(700));
        journal.Append(Record(1));
        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.FromSeconds(1), journal.Status().UnsyncedFor);

        journal.Sync();
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(TimeSpan.Zero, journal.Status().UnsyncedFor);
    }

    [Fact]
    public async Task A_server_writes_the_records_it_finds_in_the_journal_at_start_and_deletes_the_files()
    {
        var data = TempDirectory.Create();
        WriteSegment(data, 5);

        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig, data);

        var stored = await GatehouseServer.ReadAllRecordsAsync(server.GetService<global::Gatehouse.Storage.IRequestRecordStore>());
        Assert.Equal(Enumerable.Range(0, 5).Select(static i => Record(i).Id).Order(), stored.Select(static r => r.Id).Order());
        using var admin = server.CreateClient();
        using var one = await admin.GetAsync($"api/requests/{Record(4).Id}", Ct);
        Assert.Equal(HttpStatusCode.OK, one.StatusCode);
        Assert.DoesNotContain(Path.Combine(data, RecordJournal.DirectoryName, "records-000000000001.journal"), Directory.GetFiles(Path.Combine(data, RecordJournal.DirectoryName)));
    }

    /// <summary>Writes the first segment of a fresh journal in <paramref name="data"/>, as a run that was killed leaves it.</summary>
    private static string WriteSegment(string data, int count)
    {
        using (var journal = RecordJournal.Open(data, syncEveryAppend: false, TimeProvider.System))
        {
            for (var i = 0; i < count; i++)
            {
                Assert.NotNull(journal.Append(Record(i)));
            }
        }

        return Path.Combine(data, RecordJournal.DirectoryName, "records-000000000001.journal");
    }

    /// <summary>A record with every kind of field set, the same for the same <paramref name="i"/>.</summary>
    private static RequestRecord Record(int i) => new()
    {
        Id = new Guid(i + 1, 0, 0, [0, 0, 0, 0, 0, 0, 0, 1]),
        Timestamp = new DateTimeOffset(2026, 12, 1, 10, 0, i, TimeSpan.Zero),
        KeyId = "key-" + i,
        Endpoint = "chat.completions",
        RequestedModel = "sim-small",
        Deployment = "sim-small",
        Provider = "simulator",
        StatusCode = 200,
        ErrorMessage = i == 1 ? "ünïcödé \"quoted\"\n" : null,
        InputTokens = 10 + i,
        OutputTokens = 20,
        CostUsd = 0.000123456789m * (i + 1),
        LatencyMs = 12.5,
        TimeToFirstTokenMs = i == 2 ? 3.25 : null,
        Streamed = i % 2 == 0,
        CacheStatus = "miss",
        ToolsOffered = i == 3 ? 40 : null,
    };
}
