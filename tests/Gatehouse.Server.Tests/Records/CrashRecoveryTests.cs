using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Records;

/// <summary>
/// The promise that nothing answered is lost, tested the hard way: a real Gatehouse process under
/// load (chat and messages, plain and streamed, and embeddings, on a key with budgets) is killed
/// with SIGKILL at random moments, restarted on the same data directory, and checked: every call
/// whose answer its client received completely has a record, no record is there twice, and each
/// budget's spend equals the cost of its records. The last round stops it with SIGTERM instead.
/// </summary>
public sealed class CrashRecoveryTests
{
    private const string MasterKey = "sk-gh-crash-master";
    private const int Workers = 12;

    private const string Config = """
        { "Gatehouse": { "Deployments": {
            "sim-small": { "Simulation": { "TimeToFirstTokenMs": 5, "TokensPerSecond": 4000 } },
            "sim-medium": { "Simulation": { "TimeToFirstTokenMs": 20, "TokensPerSecond": 1500 } },
            "sim-embedding": { "Simulation": { "TimeToFirstTokenMs": 2 } } } } }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KilledUnderLoad_EveryAnsweredCallHasOneRecord_AndBudgetsEqualTheirRecords()
    {
        var seed = Environment.GetEnvironmentVariable("GATEHOUSE_CRASH_SEED") is { Length: > 0 } given ? int.Parse(given, System.Globalization.CultureInfo.InvariantCulture) : Random.Shared.Next();
        var random = new Random(seed);
        var context = $"(seed {seed}; replay with GATEHOUSE_CRASH_SEED={seed})";
        var data = TempDirectory.Create();
        var config = Path.Combine(data, "gatehouse.json");
        await File.WriteAllTextAsync(config, Config, Ct);

        var server = await GatehouseProcess.StartAsync(data, config, MasterKey, cancellationToken: Ct);
        try
        {
            var (key, keyId) = await CreateKeyWithBudgetsAsync(server);
            var answered = new ConcurrentDictionary<Guid, string>();
            for (var round = 0; round < 4; round++)
            {
                using var stopLoad = new CancellationTokenSource();
                var load = Enumerable.Range(0, Workers).Select(w => RunWorkerAsync(server, key, w + (round * Workers), answered, stopLoad.Token)).ToArray();
                // The moment of the kill is random but counted in answered calls, not in time, so a
                // slow machine still kills mid-load: after 30–90 answers of this round, then up to 300 ms.
                await WaitForAnswersAsync(answered, answered.Count + random.Next(30, 90));
                await Task.Delay(random.Next(0, 300), Ct);
                var graceful = round == 3;
                if (graceful)
                {
                    await server.TerminateAsync(TimeSpan.FromSeconds(30));
                }
                else
                {
                    await server.KillAsync();
                }

                await stopLoad.CancelAsync();
                await Task.WhenAll(load);
                await server.DisposeAsync();

                server = await GatehouseProcess.StartAsync(data, config, MasterKey, cancellationToken: Ct);
                await VerifyAsync(server, keyId, answered, $"after {(graceful ? "SIGTERM" : "SIGKILL")} in round {round + 1} {context}");
            }

            Assert.True(answered.Count > 100, $"the load answered only {answered.Count} calls {context}");
        }
        finally
        {
            await server.DisposeAsync();
        }
    }

    /// <summary>Waits until <paramref name="count"/> calls have been answered (at most two minutes: the test then fails on the total).</summary>
    private static async Task WaitForAnswersAsync(ConcurrentDictionary<Guid, string> answered, int count)
    {
        for (var waited = 0; answered.Count < count && waited < 120_000; waited += 20)
        {
            await Task.Delay(20, Ct);
        }
    }

    private static async Task VerifyAsync(GatehouseProcess server, string keyId, ConcurrentDictionary<Guid, string> answered, string context)
    {
        using var admin = server.CreateClient(MasterKey);
        var records = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = await GetJsonAsync(admin, $"api/requests?limit=500{(cursor is null ? "" : "&cursor=" + cursor)}");
            records.AddRange(page.GetProperty("items").EnumerateArray().Select(static r => r.Clone()));
            cursor = page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);

        var ids = records.Select(static r => r.GetProperty("id").GetGuid()).ToList();
        Assert.True(ids.Count == ids.Distinct().Count(), $"a record is stored twice {context}");
        var missing = answered.Keys.Except(ids).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} of {answered.Count} answered calls have no record {context}, e.g. {string.Join(", ", missing.Take(5).Select(id => $"{id} ({answered[id]})"))}");

        var recordedCost = records.Where(r => r.GetProperty("keyId").GetString() == keyId).Sum(static r => r.GetProperty("costUsd").GetDecimal());
        var budgets = await GetJsonAsync(admin, "api/budgets");
        foreach (var budget in budgets.EnumerateArray())
        {
            Assert.True(recordedCost == budget.GetProperty("spentUsd").GetDecimal(),
                $"budget {budget.GetProperty("name").GetString()} spent {budget.GetProperty("spentUsd").GetDecimal()} USD, its records cost {recordedCost} USD {context}");
        }
    }

    private static async Task<(string Key, string KeyId)> CreateKeyWithBudgetsAsync(GatehouseProcess server)
    {
        using var admin = server.CreateClient(MasterKey);
        using var created = await admin.PostAsync("api/keys", GatehouseServer.Json("""{"name":"load","owner":"crash-team"}"""), Ct);
        created.EnsureSuccessStatusCode();
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
        var keyId = key.GetProperty("id").GetString()!;
        foreach (var body in new[]
        {
            $$"""{"name":"key total","keyId":"{{keyId}}","period":"total","limitUsd":1000}""",
            """{"name":"owner total","owner":"crash-team","period":"total","limitUsd":1000}""",
        })
        {
            using var budget = await admin.PostAsync("api/budgets", GatehouseServer.Json(body), Ct);
            budget.EnsureSuccessStatusCode();
        }

        return (key.GetProperty("key").GetString()!, keyId);
    }

    /// <summary>Sends calls until stopped or the server dies, noting each call whose answer arrived complete.</summary>
    private static async Task RunWorkerAsync(GatehouseProcess server, string key, int worker, ConcurrentDictionary<Guid, string> answered, CancellationToken stop)
    {
        using var client = server.CreateClient(key);
        for (var call = 0; !stop.IsCancellationRequested; call++)
        {
            var kind = (worker + call) % 5;
            var text = $"worker {worker} call {call}: tell me about crash safety";
            try
            {
                var (id, complete) = kind switch
                {
                    0 => await PlainAsync(client, "v1/chat/completions", $$"""{"model":"sim-small","messages":[{"role":"user","content":"{{text}}"}]}""", stop),
                    1 => await StreamAsync(client, "v1/chat/completions", $$"""{"model":"sim-medium","stream":true,"messages":[{"role":"user","content":"{{text}}"}]}""", "data: [DONE]", stop),
                    2 => await PlainAsync(client, "v1/messages", $$"""{"model":"sim-small","max_tokens":200,"messages":[{"role":"user","content":"{{text}}"}]}""", stop),
                    3 => await StreamAsync(client, "v1/messages", $$"""{"model":"sim-medium","max_tokens":200,"stream":true,"messages":[{"role":"user","content":"{{text}}"}]}""", "event: message_stop", stop),
                    _ => await PlainAsync(client, "v1/embeddings", $$"""{"model":"sim-embedding","input":"{{text}}"}""", stop),
                };
                if (complete && id is { } answeredId)
                {
                    answered[answeredId] = $"kind {kind}";
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException)
            {
                if (server.HasExited || stop.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }

    private static async Task<(Guid? Id, bool Complete)> PlainAsync(HttpClient client, string path, string body, CancellationToken stop)
    {
        using var response = await client.PostAsync(path, GatehouseServer.Json(body), stop);
        await response.Content.ReadAsByteArrayAsync(stop); // throws if the body was cut
        return (RequestId(response), true);
    }

    /// <summary>Reads an event stream until its terminating line: what an SDK hands over as the whole answer.</summary>
    private static async Task<(Guid? Id, bool Complete)> StreamAsync(HttpClient client, string path, string body, string terminator, CancellationToken stop)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = GatehouseServer.Json(body) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stop);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(stop), Encoding.UTF8);
        while (await reader.ReadLineAsync(stop) is { } line)
        {
            if (line == terminator)
            {
                return (RequestId(response), true);
            }
        }

        return (RequestId(response), !response.IsSuccessStatusCode); // an error answer is complete when its body is
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string path) =>
        JsonDocument.Parse(await client.GetStringAsync(path, Ct)).RootElement.Clone();

    private static Guid? RequestId(HttpResponseMessage response) =>
        response.Headers.TryGetValues("x-gatehouse-request-id", out var values) && Guid.TryParse(values.First(), out var id) ? id : null;
}
