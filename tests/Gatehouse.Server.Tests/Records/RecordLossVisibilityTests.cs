using System.Net;
using System.Text.Json;
using Gatehouse.Records;
using Gatehouse.Tests.Support;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace Gatehouse.Tests.Records;

/// <summary>
/// A database that cannot take writes (a real SQLite file held by another connection's exclusive
/// transaction): with the journal, nothing is lost and the trouble shows in <c>/api/status</c>,
/// readiness and the log; without it, the losses are counted, logged with totals, and readiness is
/// degraded, never Healthy.
/// </summary>
public sealed class RecordLossVisibilityTests
{
    private const int Calls = 30;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Config(bool journal) => $$"""
        { "Gatehouse": { "RecordQueueCapacity": 5, "Records": { "Journal": {{(journal ? "true" : "false")}} }, "Deployments": {
            "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } } } } }
        """;

    [Fact]
    public async Task A_locked_database_delays_records_into_the_journal_and_loses_none()
    {
        var logs = new FakeLogCollector();
        await using var server = await GatehouseServer.StartAsync(Config(journal: true), configure: b => b.Logging.AddProvider(new FakeLoggerProvider(logs)));
        using var client = server.CreateClient();

        var ids = new List<string>();
        await using (var locked = await LockDatabaseAsync(server.DataDirectory))
        {
            ids.AddRange(await CallAsync(client, Calls));
            // SQLite waits out a lock for 30 s and more before it fails a write: a write stuck for 5 s already counts.
            var status = await WaitForStatusAsync(client, static r => r.GetProperty("state").GetString() == "delayed");

            Assert.Equal("delayed", status.GetProperty("state").GetString());
            Assert.True(status.GetProperty("secondsWriting").GetDouble() >= 5, status.ToString());
            Assert.Equal(0, status.GetProperty("dropped").GetInt64());
            Assert.True(status.GetProperty("spilledToJournal").GetInt64() > 0, status.ToString());
            Assert.Equal("Degraded", await ReadinessAsync(client));
        }

        var records = await server.WaitForRecordsAsync(Calls);
        Assert.Equal(ids.Order(), records.Select(static r => r.Id.ToString()).Order());
        Assert.Equal(0, server.GetService<RequestRecordWriter>().DroppedCount);
        var healed = await WaitForStatusAsync(client, static r => r.GetProperty("state").GetString() == "ok");
        Assert.True(healed.GetProperty("replayedFromJournal").GetInt64() > 0, healed.ToString());
        Assert.Equal("Healthy", await ReadinessAsync(client));
        Assert.Contains(logs.GetSnapshot(), static l => l.Message.Contains("Request records are delayed, none lost", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_the_journal_losses_are_counted_logged_with_totals_and_make_readiness_degraded()
    {
        var logs = new FakeLogCollector();
        await using var server = await GatehouseServer.StartAsync(Config(journal: false), configure: b => b.Logging.AddProvider(new FakeLoggerProvider(logs)));
        using var client = server.CreateClient();

        await using (var locked = await LockDatabaseAsync(server.DataDirectory))
        {
            await CallAsync(client, Calls);
            var status = await WaitForStatusAsync(client, static r => r.GetProperty("dropped").GetInt64() > 0);

            Assert.Equal("losing", status.GetProperty("state").GetString());
            Assert.False(status.GetProperty("journal").GetProperty("enabled").GetBoolean());
            Assert.Equal("Degraded", await ReadinessAsync(client));
        }

        var writer = server.GetService<RequestRecordWriter>();
        Assert.True(writer.DroppedCount > 0);
        var losing = logs.GetSnapshot().Where(static l => l.Message.StartsWith("Request records are being lost", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(losing);
        Assert.Equal(LogLevel.Error, losing[0].Level);
        Assert.Contains("since start", losing[0].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_disk_shows_as_unprotected_and_degraded_and_the_records_land_once_there_is_room()
    {
        var data = TempDirectory.Create();
        if (!await RunAsync("mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", data))
        {
            Assert.Skip("Needs a small tmpfs to fill (mount as root); this machine does not allow it.");
        }

        try
        {
            await using var server = await GatehouseServer.StartAsync(Config(journal: true).Replace("\"RecordQueueCapacity\": 5, ", "", StringComparison.Ordinal), data);
            using var client = server.CreateClient();
            var filler = Path.Combine(data, "filler");
            await FillAsync(filler);

            var ids = await CallAsync(client, Calls);
            var status = await WaitForStatusAsync(client, static r => r.GetProperty("journal").GetProperty("appendFailures").GetInt64() > 0 && r.GetProperty("state").GetString() != "ok");

            Assert.Equal("unprotected", status.GetProperty("state").GetString());
            Assert.Equal(0, status.GetProperty("dropped").GetInt64());
            Assert.Contains("space", status.GetProperty("journal").GetProperty("lastFailure").GetString(), StringComparison.OrdinalIgnoreCase);
            Assert.Equal("Degraded", await ReadinessAsync(client));

            File.Delete(filler);
            var records = await server.WaitForRecordsAsync(Calls);
            Assert.Equal(ids.Order(), records.Select(static r => r.Id.ToString()).Order());
            Assert.Equal(0, server.GetService<RequestRecordWriter>().DroppedCount);
        }
        finally
        {
            await RunAsync("umount", "-l", data);
        }
    }

    /// <summary>Writes zeros to <paramref name="path"/> until the file system is full.</summary>
    private static async Task FillAsync(string path)
    {
        var chunk = new byte[64 * 1024];
        await using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 1);
        try
        {
            while (true)
            {
                await file.WriteAsync(chunk, Ct);
            }
        }
        catch (IOException)
        {
            // full
        }

        try
        {
            await file.WriteAsync(new byte[1], Ct);
            await file.FlushAsync(Ct);
        }
        catch (IOException)
        {
            // full, to the byte
        }
    }

    private static async Task<bool> RunAsync(string command, params string[] arguments)
    {
        try
        {
            var start = new System.Diagnostics.ProcessStartInfo(command) { RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var argument in arguments)
            {
                start.ArgumentList.Add(argument);
            }

            using var process = System.Diagnostics.Process.Start(start)!;
            await process.WaitForExitAsync(Ct);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }

    private static async Task<List<string>> CallAsync(HttpClient client, int count)
    {
        var ids = new List<string>();
        for (var i = 0; i < count; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the hot path never waits on the database
            ids.Add(response.Headers.GetValues("x-gatehouse-request-id").Single());
        }

        return ids;
    }

    private static async Task<JsonElement> WaitForStatusAsync(HttpClient client, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            using var response = await client.GetAsync("api/status", Ct);
            response.EnsureSuccessStatusCode();
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            var records = document.RootElement.GetProperty("records").Clone();
            if (condition(records) || DateTime.UtcNow > deadline)
            {
                return records;
            }

            await Task.Delay(100, Ct);
        }
    }

    private static async Task<string> ReadinessAsync(HttpClient client)
    {
        using var response = await client.GetAsync("health/ready", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode); // degraded still serves
        return await response.Content.ReadAsStringAsync(Ct);
    }

    /// <summary>Holds the write lock of the server's SQLite database until disposed.</summary>
    private static async Task<SqliteConnection> LockDatabaseAsync(string dataDirectory)
    {
        var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "gatehouse.db")};Pooling=False");
        await connection.OpenAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "BEGIN EXCLUSIVE;";
        await command.ExecuteNonQueryAsync(Ct);
        return connection;
    }
}
