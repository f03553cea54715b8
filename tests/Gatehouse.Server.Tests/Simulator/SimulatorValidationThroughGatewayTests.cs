using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Simulator;

/// <summary>What the simulator refuses reaches the caller as a 400 in the caller's dialect, with the field named; never a 500.</summary>
public sealed class SimulatorValidationThroughGatewayTests : IAsyncLifetime
{
    private GatehouseServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Theory]
    [InlineData("v1/embeddings", """{"model":"sim-embedding","input":"x","encoding_format":1}""", "encoding_format")]
    [InlineData("v1/embeddings", """{"model":"sim-embedding","input":"x","dimensions":"x"}""", "dimensions")]
    [InlineData("v1/embeddings", """{"model":"sim-embedding","input":"x","dimensions":100000000}""", "dimensions")]
    [InlineData("v1/chat/completions", """{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"tools":[{"type":"function","function":{"name":{"a":1}}}]}""", "tools[0].function.name")]
    [InlineData("v1/chat/completions", """{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"response_format":{"type":128}}""", "response_format.type")]
    [InlineData("v1/chat/completions", """{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"n":1000}""", "n")]
    [InlineData("v1/chat/completions", """{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"max_tokens":2147483647}""", "max_tokens")]
    public async Task OpenAIDialect_InvalidParameter_Is400NamingTheField(string path, string body, string param)
    {
        using var client = _server.CreateClient();

        using var response = await client.PostAsync(path, GatehouseServer.Json(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
    }

    [Fact]
    public async Task AnthropicDialect_MaxTokensBeyondTheModel_Is400AnthropicError()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostAsync(
            "v1/messages", GatehouseServer.Json("""{"model":"sim-small","max_tokens":1000000000,"messages":[{"role":"user","content":"hi"}]}"""), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var root = JsonDocument.Parse(text).RootElement;
        Assert.Equal("error", root.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", root.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("max_tokens", root.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
