using System.Net;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Resilience;

/// <summary>Context-window and content-policy refusals skip the ordinary chain and go to the alias's dedicated fallbacks.</summary>
public sealed class DedicatedChainTests : IAsyncLifetime
{
    private FakeUpstream _primary = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _primary = await FakeUpstream.StartAsync();
        _server = await GatehouseServer.StartAsync($$"""
            { "Gatehouse": {
                "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{_primary.BaseUrl}}" } },
                "Deployments": {
                  "primary": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o" },
                  "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
                  "sim-medium": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } } },
                "Models": {
                  "chained": { "Deployments": [ "primary", "sim-small" ], "ContextWindowFallbacks": [ "sim-medium" ], "ContentPolicyFallbacks": [ "sim-medium" ] },
                  "plain": { "Deployments": [ "primary", "sim-small" ] } } } }
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _primary.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> Refusals => new()
    {
        { """{"error":{"message":"This model's maximum context length is 128000 tokens.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}""", "context_length_exceeded" },
        { """{"error":{"message":"The response was filtered due to the prompt triggering Azure OpenAI's content management policy.","type":null,"param":"prompt","code":"content_filter"}}""", "content_policy" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refusal_GoesToTheDedicatedChain_NotTheOrdinaryOne(string refusal, string errorClass)
    {
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, refusal, 400);
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"chained","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("sim-medium", response.Headers.GetValues("x-gatehouse-deployment").Single());
        Assert.Equal($"primary:{errorClass}", Assert.Single(await _server.WaitForRecordsAsync(1)).FailedAttempts);
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task Refusal_WithoutDedicatedChain_IsAnsweredAsIs_NeverSentDownTheOrdinaryChain(string refusal, string errorClass)
    {
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, refusal, 400);
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"plain","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(refusal, await response.Content.ReadAsStringAsync(Ct));
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("primary", record.Deployment);
        Assert.Null(record.FailedAttempts);
        Assert.False(string.IsNullOrEmpty(errorClass));
    }

    [Fact]
    public async Task Refusal_WithFallbackOff_StaysOnTheFirstDeployment_EvenWithADedicatedChain()
    {
        var (refusal, _) = ((string, string))Refusals.First().Data;
        _primary.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, refusal, 400);
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = GatehouseServer.Json("""{"model":"chained","messages":[{"role":"user","content":"hi"}]}"""),
        };
        request.Headers.Add("x-gatehouse-fallback", "off");
        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(refusal, await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("primary", response.Headers.GetValues("x-gatehouse-deployment").Single());
    }
}
