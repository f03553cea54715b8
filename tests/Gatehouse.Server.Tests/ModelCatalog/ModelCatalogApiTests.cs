using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.ModelCatalog;

/// <summary><c>GET /api/models</c>: each model's kind, endpoints, context window, prices, capabilities and deployments, for the models the key may use.</summary>
public sealed class ModelCatalogApiTests : IAsyncLifetime
{
    private static readonly string[] Listing = ["sim-large", "sim-medium", "sim-small", "local-minilm", "sim-embedding"];

    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_Admin_ShowsEveryModel_ChatFirst_WithItsDetails()
    {
        using var client = _server.CreateClient();
        var page = await GetJsonAsync(client, "api/models");

        Assert.Equal(JsonValueKind.Null, page.GetProperty("nextCursor").ValueKind);
        var items = page.GetProperty("items").EnumerateArray().ToArray();
        Assert.Equal(Listing, items.Select(static m => m.GetProperty("id").GetString()));

        // sim-small is priced as gpt-4o-mini: $0.15 / $0.60 per million, $0.075 cached, 128k context.
        var small = items[2];
        Assert.Equal("chat", small.GetProperty("kind").GetString());
        Assert.Equal("Simulator, priced like gpt-4o-mini", small.GetProperty("description").GetString());
        Assert.Equal(["/v1/chat/completions", "/v1/messages"], small.GetProperty("endpoints").EnumerateArray().Select(static e => e.GetString()));
        Assert.Equal(128000, small.GetProperty("contextWindow").GetInt32());
        Assert.Equal(16384, small.GetProperty("maxOutputTokens").GetInt32());
        Assert.Equal(0.15m, small.GetProperty("price").GetProperty("inputPerMillion").GetDecimal());
        Assert.Equal(0.6m, small.GetProperty("price").GetProperty("outputPerMillion").GetDecimal());
        Assert.Equal(0.075m, small.GetProperty("price").GetProperty("cachedInputPerMillion").GetDecimal());
        var capabilities = small.GetProperty("capabilities").EnumerateArray().Select(static c => c.GetString()).ToArray();
        Assert.Contains("streaming", capabilities);
        Assert.Contains("tools", capabilities);
        Assert.Contains("json_schema", capabilities);
        Assert.Equal("Ordered", small.GetProperty("strategy").GetString());
        var deployment = Assert.Single(small.GetProperty("deployments").EnumerateArray().ToArray());
        Assert.Equal("sim-small", deployment.GetProperty("name").GetString());
        Assert.Equal("simulator", deployment.GetProperty("provider").GetString());
        Assert.Equal("sim-small", deployment.GetProperty("upstreamModel").GetString());
        Assert.Equal(0.15m, deployment.GetProperty("price").GetProperty("inputPerMillion").GetDecimal());

        var embedding = items[4];
        Assert.Equal("embedding", embedding.GetProperty("kind").GetString());
        Assert.Equal(["/v1/embeddings"], embedding.GetProperty("endpoints").EnumerateArray().Select(static e => e.GetString()));
        Assert.Equal(0.02m, embedding.GetProperty("price").GetProperty("inputPerMillion").GetDecimal());
        Assert.Empty(embedding.GetProperty("capabilities").EnumerateArray());

        Assert.Contains("reasoning", items[0].GetProperty("capabilities").EnumerateArray().Select(static c => c.GetString()));
    }

    [Fact]
    public async Task List_VirtualKey_SeesOnlyTheModelsItMayUse_AndAnotherIs404()
    {
        var secret = await CreateKeyAsync("sim-medium", "sim-embedding");
        using var client = _server.CreateClient(secret);

        var page = await GetJsonAsync(client, "api/models");
        Assert.Equal(["sim-medium", "sim-embedding"], page.GetProperty("items").EnumerateArray().Select(static m => m.GetProperty("id").GetString()));
        Assert.Equal("sim-medium", (await GetJsonAsync(client, "api/models/sim-medium")).GetProperty("id").GetString());

        using var hidden = await client.GetAsync("api/models/sim-small", Ct);
        using var missing = await client.GetAsync("api/models/no-such-model", Ct);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("application/problem+json", hidden.Content.Headers.ContentType!.MediaType);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task List_PagesFollowTheListingOrder_UntilNextCursorIsNull()
    {
        using var client = _server.CreateClient();
        var seen = new List<string>();
        var url = "api/models?limit=2";
        for (var pages = 0; pages < 10; pages++)
        {
            var page = await GetJsonAsync(client, url);
            var items = page.GetProperty("items").EnumerateArray().Select(static m => m.GetProperty("id").GetString()!).ToArray();
            Assert.InRange(items.Length, 1, 2);
            seen.AddRange(items);
            if (page.GetProperty("nextCursor").GetString() is not { } cursor)
            {
                break;
            }

            url = $"api/models?limit=2&cursor={Uri.EscapeDataString(cursor)}";
        }

        Assert.Equal(Listing, seen);
    }

    [Fact]
    public async Task List_ByKind_ShowsOnlyThatKind()
    {
        using var client = _server.CreateClient();
        var page = await GetJsonAsync(client, "api/models?kind=embedding");

        Assert.Equal(["local-minilm", "sim-embedding"], page.GetProperty("items").EnumerateArray().Select(static m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task List_BadQuery_Is400ValidationProblem_NamingEachParameter()
    {
        using var client = _server.CreateClient();
        using var response = await client.GetAsync("api/models?limit=0&cursor=nonsense&kind=audio", Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty("limit", out _));
        Assert.True(errors.TryGetProperty("cursor", out _));
        Assert.True(errors.TryGetProperty("kind", out _));
    }

    [Fact]
    public async Task List_WithoutKey_Is401ProblemDetails()
    {
        using var client = _server.CreateClient(key: null);
        using var response = await client.GetAsync("api/models", Ct);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType!.MediaType);
    }

    private async Task<string> CreateKeyAsync(params string[] models)
    {
        using var admin = _server.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/keys", new { name = "catalog", allowedModels = models }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>(TestJson.Options, Ct)).GetProperty("key").GetString()!;
    }

    private static async Task<JsonElement> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(url, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.Clone();
    }
}
