using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>
/// <c>GET /v1/models</c> as clients generated from OpenAI's specification read it: exactly OpenAI's
/// fields (strict deserialisers refuse any other), chat models first, always in the same order.
/// </summary>
public sealed class ModelsEndpointTests : IAsyncLifetime
{
    private static readonly string[] ModelFields = ["created", "id", "object", "owned_by"];

    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task List_HasOpenAIsListShape_AndEachModelExactlyOpenAIsFourFields()
    {
        using var client = _server.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("v1/models", Ct));
        var root = document.RootElement;

        Assert.Equal(["data", "object"], root.EnumerateObject().Select(static p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("list", root.GetProperty("object").GetString());
        var models = root.GetProperty("data").EnumerateArray().ToArray();
        Assert.NotEmpty(models);
        Assert.All(models, model =>
        {
            Assert.Equal(ModelFields, model.EnumerateObject().Select(static p => p.Name).Order(StringComparer.Ordinal));
            Assert.Equal("model", model.GetProperty("object").GetString());
            Assert.Equal(JsonValueKind.Number, model.GetProperty("created").ValueKind);
            Assert.Equal(model.GetProperty("id").GetString() == "local-minilm" ? "local" : "simulator", model.GetProperty("owned_by").GetString());
        });
    }

    [Fact]
    public async Task Get_OneModel_HasExactlyOpenAIsFourFields()
    {
        using var client = _server.CreateClient();
        using var document = JsonDocument.Parse(await client.GetStringAsync("v1/models/sim-embedding", Ct));

        Assert.Equal(ModelFields, document.RootElement.EnumerateObject().Select(static p => p.Name).Order(StringComparer.Ordinal));
        Assert.Equal("sim-embedding", document.RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task List_ChatModelsComeFirst_ThenEmbeddingModels_ByName_TheSameEveryTime()
    {
        using var client = _server.CreateClient();
        var first = await IdsAsync(client);
        var second = await IdsAsync(client);

        Assert.Equal(["sim-large", "sim-medium", "sim-small", "local-minilm", "sim-embedding"], first);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task OpenAISdk_ListsTheModels_InGatehousesOrder()
    {
        var models = await Sdk.OpenAI(_server).GetOpenAIModelClient().GetModelsAsync(Ct);

        Assert.Equal(["sim-large", "sim-medium", "sim-small", "local-minilm", "sim-embedding"], models.Value.Select(static m => m.Id).ToArray());
        Assert.All(models.Value, static m => Assert.Equal(m.Id == "local-minilm" ? "local" : "simulator", m.OwnedBy));
    }

    [Fact]
    public async Task List_VirtualKey_SeesOnlyItsModels_InTheSameOrder()
    {
        using var admin = _server.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/keys", new { name = "two", allowedModels = new[] { "sim-embedding", "sim-small" } }, TestJson.Options, Ct);
        var secret = (await created.Content.ReadFromJsonAsync<JsonElement>(TestJson.Options, Ct)).GetProperty("key").GetString()!;
        using var client = _server.CreateClient(secret);

        Assert.Equal(["sim-small", "sim-embedding"], await IdsAsync(client));
        using var hidden = await client.GetAsync("v1/models/sim-large", Ct);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
    }

    private static async Task<string[]> IdsAsync(HttpClient client)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync("v1/models", Ct));
        return [.. document.RootElement.GetProperty("data").EnumerateArray().Select(static m => m.GetProperty("id").GetString()!)];
    }
}
