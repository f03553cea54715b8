using System.ClientModel;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Tests.Anthropic.Upstream;
using Gatehouse.Tests.Support;
using OpenAI.Chat;
using Xunit;

namespace Gatehouse.Tests.Anthropic;

/// <summary>The OpenAI .NET SDK through <c>/v1/chat/completions</c> to a fake Anthropic upstream on loopback.</summary>
public sealed class AnthropicUpstreamThroughGatewayTests : IAsyncLifetime
{
    private FakeAnthropic _anthropic = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _anthropic = await FakeAnthropic.StartAsync();
        _server = await GatehouseServer.StartAsync(Config(_anthropic));
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _anthropic.DisposeAsync();
    }

    internal static string Config(FakeAnthropic anthropic) => $$"""
        { "Gatehouse": {
            "Providers": { "anthropic": { "Type": "Anthropic", "BaseUrl": "{{anthropic.BaseUrl}}", "ApiKey": "sk-ant-test" } },
            "Deployments": { "claude": { "Provider": "anthropic", "Model": "claude-up", "PriceAs": "claude-sonnet-4-20250514", "StreamIdleTimeoutSeconds": 2 } },
            "Models": { "claude": { "Deployments": [ "claude" ] } } } }
        """;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private ChatClient Chat => Sdk.OpenAI(_server).GetChatClient("claude");

    [Fact]
    public async Task Plain_WithSystemPrompt_IsTranslatedBothWays()
    {
        ChatCompletion completion = await Chat.CompleteChatAsync(
            [new SystemChatMessage("You are terse."), new UserChatMessage("Hello")],
            new ChatCompletionOptions { MaxOutputTokenCount = 100, Temperature = 0.5f },
            Ct);

        Assert.Equal("Hello from Claude.", completion.Content[0].Text);
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        Assert.Equal(12, completion.Usage.InputTokenCount);

        var sent = Assert.Single(_anthropic.Received);
        Assert.Equal("/v1/messages", sent.PathAndQuery);
        Assert.Equal("sk-ant-test", sent.Headers["x-api-key"]);
        Assert.Equal("2023-06-01", sent.Headers["anthropic-version"]);
        var body = JsonNode.Parse(sent.Body)!;
        Assert.Equal("claude-up", body["model"]!.GetValue<string>());
        Assert.Equal("You are terse.", body["system"]!.GetValue<string>());
        Assert.Equal(100, body["max_tokens"]!.GetValue<int>());

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("anthropic", record.Provider);
        Assert.Equal((12 * 3e-6m) + (6 * 1.5e-5m), record.CostUsd);
    }

    [Fact]
    public async Task Streaming_TextThenToolCall_WithCacheUsage_IsTranslatedAndPricedExactly()
    {
        _anthropic.Handler = context => FakeAnthropic.WriteEventsAsync(context, AnthropicEvents.TextThenTool);
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString("""{"type":"object","properties":{"location":{"type":"string"}}}"""));
        var text = new System.Text.StringBuilder();
        var arguments = new System.Text.StringBuilder();
        string? toolName = null;
        ChatFinishReason? finish = null;
        await foreach (var update in Chat.CompleteChatStreamingAsync([new UserChatMessage("Weather in SF?")], new ChatCompletionOptions { Tools = { tool } }, Ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            foreach (var call in update.ToolCallUpdates)
            {
                toolName ??= call.FunctionName;
                arguments.Append(call.FunctionArgumentsUpdate?.ToString());
            }

            finish ??= update.FinishReason;
        }

        Assert.Equal("Okay, let's check the weather in \"SF\".", text.ToString());
        Assert.Equal("get_weather", toolName);
        Assert.Equal("San Francisco, CA", JsonDocument.Parse(arguments.ToString()).RootElement.GetProperty("location").GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, finish);

        // claude-sonnet-4: input 3e-6, cache read 3e-7, cache write 3.75e-6, output 1.5e-5 per token.
        // 472 uncached + 2,000 read + 100 written = 2,572 prompt tokens; 89 output.
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(2572, record.InputTokens);
        Assert.Equal(2000, record.CachedInputTokens);
        Assert.Equal(100, record.CacheWriteInputTokens);
        Assert.Equal(89, record.OutputTokens);
        Assert.Equal(0.001416m + 0.0006m + 0.000375m + 0.001335m, record.CostUsd);
        Assert.Null(record.ErrorClass);
    }

    [Fact]
    public async Task ToolCall_Plain_IsTranslatedToToolCalls_AndToolResultsGoBackAsToolResultBlocks()
    {
        _anthropic.Handler = context => FakeAnthropic.WriteJsonAsync(context, 200, """{"id":"msg_2","type":"message","role":"assistant","model":"claude-up","content":[{"type":"text","text":"Checking."},{"type":"tool_use","id":"toolu_9","name":"get_weather","input":{"city":"Oslo"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":30,"output_tokens":12}}""");
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather", BinaryData.FromString("""{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}"""));
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateRequiredChoice() };

        ChatCompletion first = await Chat.CompleteChatAsync([new UserChatMessage("Weather in Oslo?")], options, Ct);

        Assert.Equal(ChatFinishReason.ToolCalls, first.FinishReason);
        var call = Assert.Single(first.ToolCalls);
        Assert.Equal("toolu_9", call.Id);
        Assert.Equal("Oslo", JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement.GetProperty("city").GetString());
        var sent = JsonNode.Parse(_anthropic.Received.Last().Body)!;
        Assert.Equal("any", sent["tool_choice"]!["type"]!.GetValue<string>());
        Assert.Equal("get_weather", sent["tools"]![0]!["name"]!.GetValue<string>());

        _anthropic.Handler = context => FakeAnthropic.WriteJsonAsync(context, 200, FakeAnthropic.Message);
        await Chat.CompleteChatAsync([new UserChatMessage("Weather in Oslo?"), new AssistantChatMessage(first), new ToolChatMessage("toolu_9", "Sunny, 21 C")], options, Ct);

        var followUp = JsonNode.Parse(_anthropic.Received.Last().Body)!["messages"]!.AsArray();
        Assert.Equal("tool_use", followUp[1]!["content"]!.AsArray().Last()!["type"]!.GetValue<string>());
        var result = followUp[2]!["content"]![0]!;
        Assert.Equal("tool_result", result["type"]!.GetValue<string>());
        Assert.Equal("toolu_9", result["tool_use_id"]!.GetValue<string>());
    }

    [Fact]
    public async Task JsonSchema_IsForcedToolOnAnthropic_AndJsonContentForClient()
    {
        _anthropic.Handler = context => FakeAnthropic.WriteJsonAsync(context, 200, """{"id":"msg_1","type":"message","role":"assistant","model":"claude-up","content":[{"type":"tool_use","id":"toolu_1","name":"review","input":{"score":4}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":10,"output_tokens":5}}""");
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("review", BinaryData.FromString("""{"type":"object","properties":{"score":{"type":"integer"}},"required":["score"]}""")),
        };

        ChatCompletion completion = await Chat.CompleteChatAsync([new UserChatMessage("Rate it")], options, Ct);

        Assert.Equal(4, JsonDocument.Parse(completion.Content[0].Text).RootElement.GetProperty("score").GetInt32());
        Assert.Equal(ChatFinishReason.Stop, completion.FinishReason);
        var sent = JsonNode.Parse(Assert.Single(_anthropic.Received).Body)!;
        Assert.Equal("review", sent["tool_choice"]!["name"]!.GetValue<string>());
    }

    public static TheoryData<int, string, int> Errors => new()
    {
        { 400, "invalid_request_error", 400 },
        { 404, "not_found_error", 404 },
        { 413, "request_too_large", 413 },
        { 429, "rate_limit_error", 429 },
        { 500, "api_error", 502 },
        { 529, "overloaded_error", 503 },
        { 401, "authentication_error", 502 },
    };

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task AnthropicErrors_ArriveAsSdkErrorsWithMappedStatus(int anthropicStatus, string type, int expectedStatus)
    {
        _anthropic.Handler = context =>
        {
            if (anthropicStatus is 429 or 529)
            {
                context.Response.Headers["retry-after"] = "5";
            }

            return FakeAnthropic.WriteJsonAsync(context, anthropicStatus, $$$"""{"type":"error","error":{"type":"{{{type}}}","message":"upstream said {{{type}}}"}}""");
        };

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));

        Assert.Equal(expectedStatus, error.Status);
        if (anthropicStatus is 429 or 529)
        {
            Assert.True(error.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retryAfter));
            Assert.Equal("5", retryAfter);
        }

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(expectedStatus, record.StatusCode);
        Assert.NotNull(record.ErrorClass);
    }

    [Fact]
    public async Task FieldAnthropicCannotHonour_IsA400NamingIt_NothingSent()
    {
#pragma warning disable OPENAI001 // Seed is marked experimental in the SDK
        var options = new ChatCompletionOptions { Seed = 7 };
#pragma warning restore OPENAI001

        var error = await Assert.ThrowsAsync<ClientResultException>(() => Chat.CompleteChatAsync([new UserChatMessage("hi")], options, Ct));

        Assert.Equal(400, error.Status);
        Assert.Contains("'seed'", error.Message, StringComparison.Ordinal);
        Assert.Empty(_anthropic.Received);
    }

    [Fact]
    public async Task ReasoningEffort_ReachesAnthropicAsOutputConfigEffort()
    {
#pragma warning disable OPENAI001 // ReasoningEffortLevel is marked experimental in the SDK
        var options = new ChatCompletionOptions { ReasoningEffortLevel = ChatReasoningEffortLevel.Medium };
#pragma warning restore OPENAI001

        await Chat.CompleteChatAsync([new UserChatMessage("hi")], options, Ct);

        var sent = JsonNode.Parse(Assert.Single(_anthropic.Received).Body)!;
        Assert.Equal("medium", sent["output_config"]!["effort"]!.GetValue<string>());
    }
}
