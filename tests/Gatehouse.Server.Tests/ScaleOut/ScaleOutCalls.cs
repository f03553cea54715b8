using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Tests.Budgets;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.ScaleOut;

/// <summary>
/// What the scale-out tests do to a cluster through its public API only, as a client behind a load
/// balancer would: keys and budgets made on one replica, calls spread over all of them, records read back.
/// </summary>
internal static class ScaleOutCalls
{
    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>
    /// The cluster's configuration: the alias <c>budgeted</c> on <paramref name="upstream"/> at $1 / $2 per
    /// million tokens, answering with exactly the usage a call reserves (<see cref="BudgetFixture.AnswerAsync"/>),
    /// so limits and budgets can be asserted to the call; <c>cached</c> is the same with the response cache on.
    /// </summary>
    public static string Config(FakeUpstream upstream, string extra = "") => $$"""
        { "Gatehouse": {
            "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{upstream.BaseUrl}}" } },
            "Deployments": { "cheap": { "Provider": "fake", "Model": "upstream-model", "Price": { "InputPerMillion": 1, "OutputPerMillion": 2 } } },
            "Models": {
              "budgeted": { "Deployments": [ "cheap" ] },
              "cached": { "Deployments": [ "cheap" ], "Cache": { "Enabled": true } } }
            {{extra}} } }
        """;

    public static async Task<FakeUpstream> StartUpstreamAsync()
    {
        var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (context, _) => BudgetFixture.AnswerAsync(context);
        return upstream;
    }

    /// <summary>Creates a key through replica <paramref name="through"/> and waits until every replica accepts it.</summary>
    public static async Task<(string Id, string Secret)> CreateKeyAsync(ScaleOutCluster cluster, int through, object key)
    {
        using var admin = cluster.CreateClient(through);
        using var created = await admin.PostAsJsonAsync("api/keys", key, TestJson.Options, Ct);
        var body = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        var json = JsonDocument.Parse(body).RootElement;
        var (id, secret) = (json.GetProperty("id").GetString()!, json.GetProperty("key").GetString()!);
        for (var i = 0; i < cluster.Count; i++)
        {
            using var client = cluster.CreateClient(i, secret);
            await WaitUntilAsync(async () => (await client.GetAsync("v1/models", Ct)).StatusCode == HttpStatusCode.OK, $"replica {i} knows key {id}");
        }

        return (id, secret);
    }

    public static async Task<JsonElement> CreateBudgetAsync(ScaleOutCluster cluster, int through, object budget)
    {
        using var admin = cluster.CreateClient(through);
        using var created = await admin.PostAsJsonAsync("api/budgets", budget, TestJson.Options, Ct);
        var body = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetBudgetAsync(ScaleOutCluster cluster, int through, string id)
    {
        using var admin = cluster.CreateClient(through);
        return JsonDocument.Parse(await admin.GetStringAsync($"api/budgets/{id}", Ct)).RootElement.Clone();
    }

    /// <summary>Waits until every replica has budget <paramref name="id"/> (made through one of them) in its ledger.</summary>
    public static async Task WaitForBudgetEverywhereAsync(ScaleOutCluster cluster, string id)
    {
        for (var i = 0; i < cluster.Count; i++)
        {
            using var admin = cluster.CreateClient(i);
            await WaitUntilAsync(async () => (await admin.GetAsync($"api/budgets/{id}", Ct)).StatusCode == HttpStatusCode.OK, $"replica {i} knows budget {id}");
        }
    }

    /// <summary>One call to <c>/v1/chat/completions</c> through replica <paramref name="replica"/>.</summary>
    public static async Task<CallResult> CallAsync(ScaleOutCluster cluster, int replica, string secret, string body = BudgetFixture.Request)
    {
        using var client = cluster.CreateClient(replica, secret);
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return new CallResult(replica, response.StatusCode, text,
            response.Headers.TryGetValues("x-gatehouse-request-id", out var ids) ? ids.Single() : null,
            response.Headers.TryGetValues("x-gatehouse-cache-status", out var cache) ? cache.Single() : null);
    }

    /// <summary><paramref name="count"/> calls at once, call i through replica i mod the cluster size.</summary>
    public static Task<CallResult[]> BurstAsync(ScaleOutCluster cluster, string secret, int count, string body = BudgetFixture.Request) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => CallAsync(cluster, i % cluster.Count, secret, body)));

    /// <summary>Every request record, read through replica <paramref name="through"/>'s <c>/api/requests</c>.</summary>
    public static async Task<List<JsonElement>> RecordsAsync(ScaleOutCluster cluster, int through)
    {
        using var admin = cluster.CreateClient(through);
        var all = new List<JsonElement>();
        string? cursor = null;
        do
        {
            var page = JsonDocument.Parse(await admin.GetStringAsync($"api/requests?limit=500{(cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor))}", Ct)).RootElement;
            all.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.Clone()));
            cursor = page.TryGetProperty("nextCursor", out var next) && next.ValueKind == JsonValueKind.String ? next.GetString() : null;
        }
        while (cursor is not null);

        return all;
    }

    /// <summary>The records once there are at least <paramref name="count"/> (the writers save them behind the answers).</summary>
    public static async Task<List<JsonElement>> WaitForRecordsAsync(ScaleOutCluster cluster, int through, int count)
    {
        List<JsonElement> records = [];
        await WaitUntilAsync(async () => (records = await RecordsAsync(cluster, through)).Count >= count, $"{count} records are stored");
        return records;
    }

    public static string? ErrorCode(string body)
    {
        try
        {
            return JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("code").GetString();
        }
        catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing after 60 s (work replicas finish after answering).</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail("Timed out waiting until " + what);
            }

            await Task.Delay(20, Ct);
        }
    }
}

internal sealed record CallResult(int Replica, HttpStatusCode Status, string Body, string? RequestId, string? Cache);
