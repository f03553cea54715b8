using System.Buffers.Binary;
using System.Text.Json.Nodes;
using Xunit;

namespace Gatehouse.Tests.Simulator;

public sealed class SimulatorEmbeddingTests : IDisposable
{
    private readonly SimulatorHarness _sim = new();

    [Fact]
    public async Task Embeddings_StringInput_ReturnsUnitVectorOfProfileDimensions()
    {
        var json = await _sim.PostAsync("embeddings", """{"model":"sim-fast","input":"hello world"}""");

        Assert.Equal("list", (string)json["object"]!);
        Assert.Equal("sim-fast", (string)json["model"]!);
        var item = json["data"]![0]!;
        Assert.Equal("embedding", (string)item["object"]!);
        Assert.Equal(0, (int)item["index"]!);
        var vector = item["embedding"]!.AsArray().Select(v => (double)v!).ToArray();
        Assert.Equal(1536, vector.Length);
        Assert.Equal(1.0, Math.Sqrt(vector.Sum(v => v * v)), 3);
        Assert.Equal(TiktokenCounter.Instance.CountTokens("hello world", TestContext.Current.CancellationToken), (int)json["usage"]!["prompt_tokens"]!);
        Assert.Equal((int)json["usage"]!["prompt_tokens"]!, (int)json["usage"]!["total_tokens"]!);
    }

    [Fact]
    public async Task Embeddings_ArrayInput_IsDeterministicPerTextAndHonoursDimensions()
    {
        var first = await _sim.PostAsync("embeddings", """{"model":"sim-fast","input":["alpha","beta","alpha"],"dimensions":8}""");
        var second = await _sim.PostAsync("embeddings", """{"model":"sim-fast","input":"alpha","dimensions":8}""");

        var data = first["data"]!.AsArray();
        Assert.Equal([0, 1, 2], data.Select(d => (int)d!["index"]!));
        Assert.All(data, d => Assert.Equal(8, d!["embedding"]!.AsArray().Count));
        Assert.Equal(data[0]!["embedding"]!.ToJsonString(), data[2]!["embedding"]!.ToJsonString());
        Assert.NotEqual(data[0]!["embedding"]!.ToJsonString(), data[1]!["embedding"]!.ToJsonString());
        Assert.Equal(data[0]!["embedding"]!.ToJsonString(), second["data"]![0]!["embedding"]!.ToJsonString());
    }

    [Fact]
    public async Task Embeddings_Base64_DecodesToSameLittleEndianFloats()
    {
        var floats = await _sim.PostAsync("embeddings", """{"model":"sim-fast","input":"gamma","dimensions":16}""");
        var encoded = await _sim.PostAsync("embeddings", """{"model":"sim-fast","input":"gamma","dimensions":16,"encoding_format":"base64"}""");

        var bytes = Convert.FromBase64String((string)encoded["data"]![0]!["embedding"]!);
        Assert.Equal(16 * sizeof(float), bytes.Length);
        var expected = floats["data"]![0]!["embedding"]!.AsArray().Select(v => (float)v!).ToArray();
        var decoded = Enumerable.Range(0, 16).Select(i => BinaryPrimitives.ReadSingleLittleEndian(bytes.AsSpan(i * 4))).ToArray();
        Assert.Equal(expected, decoded);
    }

    [Fact]
    public async Task Embeddings_TokenArrays_CountTokensByLength()
    {
        var json = await _sim.PostAsync("embeddings", """{"model":"sim-fast","input":[[1,2,3],[4,5]],"dimensions":4}""");
        Assert.Equal(2, json["data"]!.AsArray().Count);
        Assert.Equal(5, (int)json["usage"]!["prompt_tokens"]!);
    }

    [Theory]
    [InlineData("""{"model":"sim-fast"}""", 400)]
    [InlineData("""{"model":"sim-fast","input":""}""", 400)]
    [InlineData("""{"model":"sim-fast","input":"x","dimensions":0}""", 400)]
    [InlineData("""{"model":"sim-fast","input":""", 400)]
    [InlineData("""{"model":"nope","input":"x"}""", 404)]
    public async Task Embeddings_InvalidRequest_ReturnsOpenAIError(string body, int status)
    {
        var json = await _sim.PostAsync("embeddings", body, status);
        Assert.Equal("invalid_request_error", (string)json["error"]!["type"]!);
    }

    public void Dispose() => _sim.Dispose();
}
