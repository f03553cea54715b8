using System.ClientModel;
using System.Net;
using System.Numerics.Tensors;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Gatehouse.Tests.Tools;
using Microsoft.Extensions.AI;
using OpenAI;
using OpenAI.Embeddings;
using Xunit;

namespace Gatehouse.Tests.Providers;

/// <summary>
/// The in-process embedding model (<c>Type: Local</c>, the default <c>local-minilm</c> alias) through
/// the official OpenAI SDK and Microsoft.Extensions.AI, its errors in OpenAI's shape, and the tool
/// prefilter ranking by meaning with it where the lexical ranker has no shared word to go on.
/// </summary>
public sealed class LocalEmbeddingTests : IAsyncLifetime
{
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private EmbeddingClient Embeddings() =>
        new OpenAIClient(new ApiKeyCredential(GatehouseServer.MasterKey), new OpenAIClientOptions { Endpoint = _server.V1 }).GetEmbeddingClient("local-minilm");

    [Fact]
    public async Task OpenAISdk_GetsUnitVectorsThatPlaceRelatedSentencesCloser_AtNoCost()
    {
        OpenAIEmbeddingCollection result = await Embeddings().GenerateEmbeddingsAsync(
            ["Will it rain in Paris tomorrow?", "What is the weather forecast for Paris?", "Sort this list of numbers in ascending order."], cancellationToken: Ct);

        var vectors = result.Select(e => e.ToFloats().ToArray()).ToArray();
        Assert.All(vectors, v => Assert.Equal(384, v.Length));
        Assert.All(vectors, v => Assert.Equal(1f, TensorPrimitives.Norm(v), 3));
        var related = TensorPrimitives.CosineSimilarity(vectors[0], vectors[1]);
        var unrelated = TensorPrimitives.CosineSimilarity(vectors[0], vectors[2]);
        Assert.True(related > unrelated + 0.3f, $"related {related}, unrelated {unrelated}");
        Assert.True(result.Usage.InputTokenCount > 20); // the model's own word pieces, [CLS] and [SEP] included

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("embeddings", record.Endpoint);
        Assert.Equal("local-minilm", record.Deployment);
        Assert.Equal(result.Usage.InputTokenCount, record.InputTokens);
        Assert.Equal(0m, record.CostUsd);
    }

    [Fact]
    public async Task ExtensionsAI_EmbeddingGenerator_AndPlainFloatJson_GiveTheSameVector()
    {
        IEmbeddingGenerator<string, Embedding<float>> generator = Embeddings().AsIEmbeddingGenerator();
        var viaSdk = (await generator.GenerateAsync(["book a table for two"], cancellationToken: Ct)).Single().Vector.ToArray();

        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/embeddings", GatehouseServer.Json("""{"model":"local-minilm","input":"book a table for two","encoding_format":"float"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var data = Assert.Single(document.RootElement.GetProperty("data").EnumerateArray().ToArray());
        var viaJson = data.GetProperty("embedding").EnumerateArray().Select(v => v.GetSingle()).ToArray();

        Assert.Equal("all-MiniLM-L6-v2", document.RootElement.GetProperty("model").GetString());
        Assert.Equal(viaSdk.Length, viaJson.Length);
        Assert.True(TensorPrimitives.CosineSimilarity(viaSdk, viaJson) > 0.9999f);
    }

    [Theory]
    [InlineData("""{"model":"local-minilm","input":[[1,2,3]]}""", "input")]
    [InlineData("""{"model":"local-minilm","input":""}""", "input")]
    [InlineData("""{"model":"local-minilm","input":["a", 3]}""", "input")]
    [InlineData("""{"model":"local-minilm","input":"hello","dimensions":128}""", "dimensions")]
    public async Task BadInput_Gets400InOpenAIShape_NamingTheParameter(string body, string param)
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/embeddings", GatehouseServer.Json(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var error = document.RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.False(string.IsNullOrWhiteSpace(error.GetProperty("message").GetString()));
    }

    [Fact]
    public async Task ChatWithTheEmbeddingModel_IsRefusedAsOpenAIRefusesIt()
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"local-minilm","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        // Refused by the gateway before the model runs (the alias is an embedding model), with the endpoint that serves it.
        var error = document.RootElement.GetProperty("error");
        Assert.Equal("model_not_supported", error.GetProperty("code").GetString());
        Assert.Contains("is an embedding model and is not supported on /v1/chat/completions; call it on /v1/embeddings", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARunCancelledMidway_EndsAsACancellation_NotAModelFailure()
    {
        // 32 long texts make one model run of a few hundred milliseconds; the token fires inside it.
        var model = new global::Gatehouse.Providers.Local.LocalEmbeddingModels().Get("all-MiniLM-L6-v2")!;
        await model.EmbedAsync(["warm up"], Ct);
        var texts = Enumerable.Repeat(string.Join(' ', Enumerable.Repeat("a fairly long sentence about tools and their parameters", 20)), 32).ToArray();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        cancel.CancelAfter(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => model.EmbedAsync(texts, cancel.Token));
    }
}
