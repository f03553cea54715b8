using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Keys;

/// <summary>
/// Routing preferences stored with a key (<c>/api/keys</c>), and the <c>x-gatehouse-*</c> headers
/// that win over them. The alias is [primary (a fake upstream priced as gpt-4o), sim-small (priced
/// as gpt-4o-mini)], so "cheapest" means the simulator.
/// </summary>
public sealed class KeyRoutingTests : IAsyncLifetime
{
    private FakeUpstream _primary = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _primary = await FakeUpstream.StartAsync();
        _server = await GatehouseServer.StartAsync(_primary.FallbackConfig(
            "routed", primarySettings: """, "Resilience": { "RetryDelaySeconds": 0.001, "BreakerFailureRatio": 0 }"""));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _primary.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KeyStrategy_WinsOverTheAlias_AndTheHeaderWinsOverTheKey()
    {
        var (client, key) = await CreateKeyAsync(new { name = "cheap", routing = new { strategy = "cheapest" } });
        var routing = key.GetProperty("routing");
        Assert.Equal("Cheapest", routing.GetProperty("strategy").GetString());

        using var byKey = await CallAsync(client);
        using var byHeader = await CallAsync(client, ("x-gatehouse-strategy", "Ordered"));

        Assert.Equal("sim-small", Deployment(byKey));
        Assert.Equal("primary", Deployment(byHeader));
        Assert.Single(_primary.Received);
    }

    [Fact]
    public async Task KeyFallbackFalse_NeverLeavesTheFirstDeployment_UnlessTheHeaderTurnsItOn()
    {
        PrimaryAlwaysFails();
        var (client, _) = await CreateKeyAsync(new { name = "no-fallback", routing = new { fallback = false } });

        using var stuck = await CallAsync(client);
        using var rescued = await CallAsync(client, ("x-gatehouse-fallback", "on"));

        Assert.Equal(HttpStatusCode.BadGateway, stuck.StatusCode);
        Assert.Equal("primary", Deployment(stuck));
        Assert.Equal(HttpStatusCode.OK, rescued.StatusCode);
        Assert.Equal("sim-small", Deployment(rescued));
    }

    [Fact]
    public async Task KeyMaxRetries_RetriesEachDeployment_AndTheRetriesHeaderWins()
    {
        PrimaryAlwaysFails();
        var (client, _) = await CreateKeyAsync(new { name = "persistent", routing = new { maxRetries = 2 } });

        using var byKey = await CallAsync(client);
        Assert.Equal("sim-small", Deployment(byKey));
        Assert.Equal("primary:upstream_error, primary:upstream_error, primary:upstream_error", byKey.Headers.GetValues("x-gatehouse-failed-attempts").Single());
        Assert.Equal(3, _primary.Received.Count);

        using var byHeader = await CallAsync(client, ("x-gatehouse-retries", "0"));
        Assert.Equal("primary:upstream_error", byHeader.Headers.GetValues("x-gatehouse-failed-attempts").Single());
        Assert.Equal(4, _primary.Received.Count);
    }

    [Fact]
    public async Task RetriesHeader_WorksWithoutKeySettings()
    {
        PrimaryAlwaysFails();
        using var master = _server.CreateClient();

        using var response = await CallAsync(master, ("x-gatehouse-retries", "1"));

        Assert.Equal("sim-small", Deployment(response));
        Assert.Equal(2, _primary.Received.Count);
    }

    [Fact]
    public async Task Patch_ChangesTheNextCall_NullClearsIt_AndAnEmptyBodyChangesNothing()
    {
        var (client, key) = await CreateKeyAsync(new { name = "patched" });
        var id = key.GetProperty("id").GetString();
        Assert.Equal(JsonValueKind.Null, key.GetProperty("routing").ValueKind);
        using var admin = _server.CreateClient();

        using var before = await CallAsync(client);
        var patched = await PatchAsync(admin, id, """{"routing":{"strategy":"CHEAPEST","maxRetries":1}}""", HttpStatusCode.OK);
        using var after = await CallAsync(client);
        var unchanged = await PatchAsync(admin, id, "{}", HttpStatusCode.OK);
        var cleared = await PatchAsync(admin, id, """{"routing":null}""", HttpStatusCode.OK);
        using var afterClear = await CallAsync(client);

        Assert.Equal("primary", Deployment(before));
        Assert.Equal("Cheapest", patched.GetProperty("routing").GetProperty("strategy").GetString());
        Assert.Equal(1, patched.GetProperty("routing").GetProperty("maxRetries").GetInt32());
        Assert.Equal("sim-small", Deployment(after));
        Assert.Equal("Cheapest", unchanged.GetProperty("routing").GetProperty("strategy").GetString());
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("routing").ValueKind);
        Assert.Equal("primary", Deployment(afterClear));
        var stored = JsonDocument.Parse(await admin.GetStringAsync($"api/keys/{id}", Ct)).RootElement;
        Assert.Equal(JsonValueKind.Null, stored.GetProperty("routing").ValueKind);
    }

    [Fact]
    public async Task BadRoutingSettings_AreValidationProblems_NamingTheField()
    {
        using var admin = _server.CreateClient();
        using var badStrategy = await admin.PostAsJsonAsync("api/keys", new { name = "x", routing = new { strategy = "fastest" } }, TestJson.Options, Ct);
        using var tooManyRetries = await admin.PostAsJsonAsync("api/keys", new { name = "x", routing = new { maxRetries = 11 } }, TestJson.Options, Ct);
        var (_, key) = await CreateKeyAsync(new { name = "fixed" });
        var id = key.GetProperty("id").GetString();

        Assert.Contains("LowestLatency", await ProblemAsync(badStrategy, "routing.strategy"), StringComparison.Ordinal);
        Assert.Contains("between 0 and 10", await ProblemAsync(tooManyRetries, "routing.maxRetries"), StringComparison.Ordinal);
        var unsupported = await PatchAsync(admin, id, """{"name":"renamed"}""", HttpStatusCode.BadRequest);
        Assert.Contains("only 'routing'", unsupported.GetProperty("errors").GetProperty("name")[0].GetString(), StringComparison.Ordinal);
        var negative = await PatchAsync(admin, id, """{"routing":{"maxRetries":-1}}""", HttpStatusCode.BadRequest);
        Assert.True(negative.GetProperty("errors").TryGetProperty("routing.maxRetries", out _));
        await PatchAsync(admin, "no-such-key", """{"routing":null}""", HttpStatusCode.NotFound);
    }

    private void PrimaryAlwaysFails() =>
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"down","type":"server_error"}}""", 500);

    private async Task<(HttpClient Client, JsonElement Key)> CreateKeyAsync(object body)
    {
        using var admin = _server.CreateClient();
        using var response = await admin.PostAsJsonAsync("api/keys", body, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
        return (_server.CreateClient(key.GetProperty("key").GetString()), key);
    }

    private static async Task<HttpResponseMessage> CallAsync(HttpClient client, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = GatehouseServer.Json("""{"model":"routed","messages":[{"role":"user","content":"hi"}]}"""),
        };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await client.SendAsync(request, Ct);
    }

    private static async Task<JsonElement> PatchAsync(HttpClient admin, string? id, string body, HttpStatusCode expected)
    {
        using var response = await admin.PatchAsync($"api/keys/{id}", GatehouseServer.Json(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(expected == response.StatusCode, $"{response.StatusCode}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    private static async Task<string> ProblemAsync(HttpResponseMessage response, string field)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        return problem.GetProperty("errors").GetProperty(field)[0].GetString()!;
    }

    private static string Deployment(HttpResponseMessage response) => response.Headers.GetValues("x-gatehouse-deployment").Single();
}
