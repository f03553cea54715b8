using System.ClientModel;
using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Support;
using OpenAI.Chat;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>
/// A model called on an endpoint that does not serve its kind is refused before anything goes
/// upstream, with a 404 (as OpenAI answers a chat call to a model that is not a chat model) in the
/// caller's error shape, naming the endpoint called and the one the model is served on.
/// </summary>
public sealed class WrongModelKindTests : IAsyncLifetime
{
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChatCompletions_WithAnEmbeddingModel_Is404InOpenAIsShape_NamingBothEndpoints()
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-embedding","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Equal("model_not_supported", error.GetProperty("code").GetString());
        Assert.Equal(
            "The model 'sim-embedding' is an embedding model and is not supported on /v1/chat/completions; call it on /v1/embeddings.",
            error.GetProperty("message").GetString());

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(404, record.StatusCode);
        Assert.Equal("model_not_supported", record.ErrorClass);
        Assert.Null(record.Deployment);
    }

    [Fact]
    public async Task ChatCompletions_WithAnEmbeddingModel_IsTheOpenAISdks404()
    {
        var chat = Sdk.OpenAI(_server).GetChatClient("local-minilm");

        var refused = await Assert.ThrowsAsync<ClientResultException>(() => chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(404, refused.Status);
        Assert.Contains("/v1/embeddings", refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Messages_WithAnEmbeddingModel_Is404InAnthropicsShape_NamingBothEndpoints()
    {
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages")
        {
            Content = GatehouseServer.Json("""{"model":"sim-embedding","max_tokens":10,"messages":[{"role":"user","content":"hi"}]}"""),
        };
        request.Headers.Add("anthropic-version", "2023-06-01");
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var root = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Equal("not_found_error", root.GetProperty("error").GetProperty("type").GetString());
        Assert.Equal(
            "The model 'sim-embedding' is an embedding model and is not supported on /v1/messages; call it on /v1/embeddings.",
            root.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task Embeddings_WithAChatModel_Is404InOpenAIsShape_NamingTheChatEndpoints()
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/embeddings", GatehouseServer.Json("""{"model":"sim-small","input":"hello"}"""), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error");
        Assert.Equal("model_not_supported", error.GetProperty("code").GetString());
        Assert.Equal(
            "The model 'sim-small' is a chat model and is not supported on /v1/embeddings; call it on /v1/chat/completions, /v1/responses or /v1/messages.",
            error.GetProperty("message").GetString());
    }

    [Fact]
    public async Task AnAliasOfUnknownModels_IsAnEmbeddingModel_WhenItsNameSaysSo_OrItsKindIsSet()
    {
        await using var server = await GatehouseServer.StartAsync("""
            { "Gatehouse": {
                "Providers": { "ollama": { "Type": "OpenAI", "BaseUrl": "http://127.0.0.1:9/v1" } },
                "Deployments": {
                  "nomic": { "Provider": "ollama", "Model": "nomic-embed-text", "Price": { "InputPerMillion": 0, "OutputPerMillion": 0 } },
                  "vectors": { "Provider": "ollama", "Model": "my-vectors", "Price": { "InputPerMillion": 0, "OutputPerMillion": 0 } },
                  "llama": { "Provider": "ollama", "Model": "llama3.1:8b", "Price": { "InputPerMillion": 0, "OutputPerMillion": 0 } } },
                "Models": {
                  "nomic": { "Deployments": [ "nomic" ] },
                  "vectors": { "Deployments": [ "vectors" ], "Kind": "Embedding" },
                  "llama": { "Deployments": [ "llama" ] } } } }
            """);
        using var client = server.CreateClient();

        foreach (var (model, kind) in new[] { ("nomic", "embedding"), ("vectors", "embedding"), ("llama", "chat") })
        {
            var info = JsonDocument.Parse(await client.GetStringAsync($"api/models/{model}", Ct)).RootElement;
            Assert.Equal(kind, info.GetProperty("kind").GetString());
        }
    }
}
