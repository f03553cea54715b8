using System.Net;
using System.Text.Json.Nodes;
using Gatehouse.Tests.Anthropic.Inbound;
using Gatehouse.Tests.Anthropic.Upstream;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Anthropic;

/// <summary>
/// <c>/v1/messages</c> on deployments that are not Anthropic: every field is translated or refused
/// by name, never dropped; the same fields still reach an Anthropic deployment untouched; streams
/// report the prompt's tokens in <c>message_start</c> as Anthropic's do.
/// </summary>
public sealed class TranslatedFieldTests : IAsyncLifetime
{
    private FakeUpstream _openAI = null!;
    private FakeAnthropic _anthropic = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _openAI = await FakeUpstream.StartAsync();
        _anthropic = await FakeAnthropic.StartAsync();
        _server = await GatehouseServer.StartAsync(FakeAnthropic.ThreeBackendConfig(_openAI, _anthropic));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _anthropic.DisposeAsync();
        await _openAI.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<(HttpStatusCode Status, string Body)> PostAsync(string body, string path = "v1/messages")
    {
        using var client = _server.CreateClient(key: null);
        client.DefaultRequestHeaders.Add("x-api-key", GatehouseServer.MasterKey);
        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        using var response = await client.PostAsync(path, GatehouseServer.Json(body), Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct));
    }

    private static string Body(string model, string extra) =>
        $$"""{"model":"{{model}}","max_tokens":50,"messages":[{"role":"user","content":"What is the weather like in Oslo today?"}]{{extra}}}""";

    [Fact]
    public async Task TranslatedStream_MessageStartCarriesTheTokenizerCount_MessageDeltaTheExactUsage()
    {
        _openAI.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents());
        var (status, sse) = await PostAsync(Body("fake-model", ""","stream":true"""));
        var (_, counted) = await PostAsync(Body("fake-model", ""), "v1/messages/count_tokens");

        Assert.Equal(HttpStatusCode.OK, status);
        var events = AnthropicSse.Parse(sse);
        var start = events.Single(e => e.Event == "message_start").Data["message"]!["usage"]!;
        var estimate = JsonNode.Parse(counted)!["input_tokens"]!.GetValue<int>();
        Assert.True(estimate > 0);
        Assert.Equal(estimate, start["input_tokens"]!.GetValue<int>());
        var delta = events.Single(e => e.Event == "message_delta").Data["usage"]!;
        Assert.Equal(20, delta["input_tokens"]!.GetValue<int>()); // the upstream's own counts, as it reported them
        Assert.Equal(2, delta["output_tokens"]!.GetValue<int>());
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(20, record.InputTokens);
        Assert.False(record.UsageEstimated);
    }

    [Fact]
    public async Task TranslatedStream_WithoutUpstreamUsage_RecordIsMarkedEstimated()
    {
        _openAI.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents(includeUsage: false));
        var (status, sse) = await PostAsync(Body("fake-model", ""","stream":true"""));

        Assert.Equal(HttpStatusCode.OK, status);
        var start = AnthropicSse.Parse(sse).Single(e => e.Event == "message_start").Data["message"]!["usage"]!;
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.True(record.UsageEstimated);
        Assert.Equal(record.InputTokens, start["input_tokens"]!.GetValue<int>());
    }

    public static TheoryData<string, string> Untranslatable => new()
    {
        { ""","top_k":5""", "top_k" },
        { ""","thinking":{"type":"enabled","budget_tokens":1024}""", "thinking" },
        { ",\"container\":\"container_1\"", "container" },
        { ""","mcp_servers":[{"type":"url","url":"https://mcp.example.com","name":"x"}]""", "mcp_servers" },
        { ""","context_management":{"edits":[{"type":"clear_tool_uses_20250919"}]}""", "context_management" },
        { ""","output_config":{"effort":"max"}""", "output_config.effort" },
        { ""","tools":[{"type":"web_search_20250305","name":"web_search","max_uses":2}]""", "tools.0" },
    };

    [Theory]
    [MemberData(nameof(Untranslatable))]
    public async Task FieldChatCompletionsCannotCarry_Is400NamingIt_OnTranslatedDeployments_AndReachesAnthropicNatively(string extra, string field)
    {
        foreach (var model in (string[])["fake-model", "sim-small"])
        {
            var (status, body) = await PostAsync(Body(model, extra));

            Assert.Equal(HttpStatusCode.BadRequest, status);
            var error = JsonNode.Parse(body)!;
            Assert.Equal("invalid_request_error", error["error"]!["type"]!.GetValue<string>());
            Assert.StartsWith($"{field}:", error["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Empty(_openAI.Received);
        var (native, _) = await PostAsync(Body("claude", extra));
        Assert.Equal(HttpStatusCode.OK, native);
        Assert.Equal(Body("claude-up", extra), Assert.Single(_anthropic.Received).Body);
    }

    [Fact]
    public async Task TranslatedFields_ReachTheOpenAIUpstream()
    {
        var (status, _) = await PostAsync(Body("fake-model", """
            ,"output_config":{"effort":"high"},"service_tier":"auto","metadata":{"user_id":"u-9"},
             "tools":[{"name":"weather","input_schema":{"type":"object"},"strict":true}],"tool_choice":{"type":"any","disable_parallel_tool_use":true}
            """));

        Assert.Equal(HttpStatusCode.OK, status);
        var sent = JsonNode.Parse(Assert.Single(_openAI.Received).Body)!;
        Assert.Equal("high", sent["reasoning_effort"]!.GetValue<string>());
        Assert.Equal("auto", sent["service_tier"]!.GetValue<string>());
        Assert.Equal("u-9", sent["user"]!.GetValue<string>());
        Assert.True(sent["tools"]![0]!["function"]!["strict"]!.GetValue<bool>());
        Assert.Equal("required", sent["tool_choice"]!.GetValue<string>());
        Assert.False(sent["parallel_tool_calls"]!.GetValue<bool>());
    }

    public static TheoryData<string, string> WrongTypes => new()
    {
        { ""","output_config":[]""", "output_config: Input should be a valid dictionary" },
        { ""","output_config":{"format":{"type":"json_schema","schema":"{}"}}""", "output_config.format.schema: Input should be a valid dictionary" },
        { ""","output_config":{"effort":{"level":"high"}}""", "output_config.effort: Input should be" },
        { ""","output_format":{"type":"regex","schema":{}}""", "output_format.type: Input should be 'json_schema'" },
        { ""","service_tier":true""", "service_tier: Input should be" },
        { ""","metadata":[1]""", "metadata: Input should be a valid dictionary" },
        { ""","metadata":{"user_id":7}""", "metadata.user_id: Input should be a valid string" },
        { ""","tool_choice":{"type":"auto","disable_parallel_tool_use":1}""", "tool_choice.disable_parallel_tool_use: Input should be a valid boolean" },
        { ",\"temperature\":\"hot\"", "temperature: Input should be a valid number" },
        { ",\"stop_sequences\":\"END\"", "stop_sequences: Input should be a valid list" },
    };

    [Theory]
    [MemberData(nameof(WrongTypes))]
    public async Task WrongTypes_Are400WithThePath_Never500(string extra, string message)
    {
        foreach (var model in (string[])["fake-model", "claude"])
        {
            var (status, body) = await PostAsync(Body(model, extra));

            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(message, JsonNode.Parse(body)!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
        }

        Assert.Empty(_openAI.Received);
    }
}
