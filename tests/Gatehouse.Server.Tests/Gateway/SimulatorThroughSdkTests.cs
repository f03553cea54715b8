using System.ClientModel;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Json.Schema;
using Microsoft.Extensions.AI;
using ChatFinishReason = OpenAI.Chat.ChatFinishReason;
using ChatResponseFormat = OpenAI.Chat.ChatResponseFormat;
using EmbeddingGenerationOptions = OpenAI.Embeddings.EmbeddingGenerationOptions;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>The official OpenAI .NET SDK and Microsoft.Extensions.AI against Gatehouse serving the built-in simulator.</summary>
public sealed class SimulatorThroughSdkTests : IAsyncLifetime
{
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private OpenAIClient Client(string key = GatehouseServer.MasterKey) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = _server.V1 });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Chat_NonStreaming_ReturnsCompletionWithUsageAndGatehouseHeaders()
    {
        var chat = Client().GetChatClient("sim-small");
        ClientResult<ChatCompletion> result = await chat.CompleteChatAsync([new UserChatMessage("Write a haiku about gateways.")], cancellationToken: Ct);
        var completion = result.Value;

        Assert.False(string.IsNullOrWhiteSpace(completion.Content[0].Text));
        Assert.True(completion.Usage.InputTokenCount > 0);
        Assert.True(completion.Usage.OutputTokenCount > 0);
        var headers = result.GetRawResponse().Headers;
        Assert.True(headers.TryGetValue("x-gatehouse-deployment", out var deployment));
        Assert.Equal("sim-small", deployment);
        Assert.True(headers.TryGetValue("x-gatehouse-input-tokens", out var input));
        Assert.Equal(completion.Usage.InputTokenCount.ToString(System.Globalization.CultureInfo.InvariantCulture), input);
        Assert.True(headers.TryGetValue("x-gatehouse-cost-usd", out var cost));
        Assert.True(decimal.Parse(cost!, System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.True(headers.TryGetValue("x-gatehouse-request-id", out var id));
        Assert.True(Guid.TryParse(id, out _));
    }

    [Fact]
    public async Task Chat_Streaming_DeliversTextAndUsage()
    {
        var chat = Client().GetChatClient("sim-small");
        var text = new System.Text.StringBuilder();
        ChatTokenUsage? usage = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Tell me a story.")], new ChatCompletionOptions(), Ct))
        {
            foreach (var part in update.ContentUpdate)
            {
                text.Append(part.Text);
            }

            usage ??= update.Usage;
        }

        Assert.True(text.Length > 20);
        Assert.NotNull(usage);
        Assert.True(usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Chat_ForcedToolCall_ReturnsSchemaValidArguments_PlainAndStreamed()
    {
        const string parameters = """{"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["c","f"]}},"required":["city","unit"],"additionalProperties":false}""";
        var tool = ChatTool.CreateFunctionTool("get_weather", "Weather for a city", BinaryData.FromString(parameters));
        var options = new ChatCompletionOptions { Tools = { tool }, ToolChoice = ChatToolChoice.CreateFunctionChoice("get_weather") };
        var chat = Client().GetChatClient("sim-small");
        var schema = JsonSchema.FromText(parameters);

        ChatCompletion completion = await chat.CompleteChatAsync([new UserChatMessage("Weather in Paris?")], options, Ct);
        Assert.Equal(ChatFinishReason.ToolCalls, completion.FinishReason);
        var call = Assert.Single(completion.ToolCalls);
        Assert.Equal("get_weather", call.FunctionName);
        Assert.True(schema.Evaluate(JsonDocument.Parse(call.FunctionArguments.ToString()).RootElement).IsValid);

        var arguments = new System.Text.StringBuilder();
        string? name = null;
        await foreach (var update in chat.CompleteChatStreamingAsync([new UserChatMessage("Weather in Paris?")], options, Ct))
        {
            foreach (var toolUpdate in update.ToolCallUpdates)
            {
                name ??= toolUpdate.FunctionName;
                arguments.Append(toolUpdate.FunctionArgumentsUpdate?.ToString());
            }
        }

        Assert.Equal("get_weather", name);
        Assert.True(schema.Evaluate(JsonDocument.Parse(arguments.ToString()).RootElement).IsValid);
    }

    [Fact]
    public async Task Chat_JsonSchemaResponseFormat_ReturnsValidJson()
    {
        const string schemaText = """{"type":"object","properties":{"title":{"type":"string"},"score":{"type":"integer","minimum":1,"maximum":5},"tags":{"type":"array","items":{"type":"string"},"minItems":1}},"required":["title","score","tags"],"additionalProperties":false}""";
        var options = new ChatCompletionOptions
        {
            ResponseFormat = ChatResponseFormat.CreateJsonSchemaFormat("review", BinaryData.FromString(schemaText), jsonSchemaIsStrict: true),
        };
        ChatCompletion completion = await Client().GetChatClient("sim-medium").CompleteChatAsync([new UserChatMessage("Review this.")], options, Ct);

        var result = JsonSchema.FromText(schemaText).Evaluate(JsonDocument.Parse(completion.Content[0].Text).RootElement);
        Assert.True(result.IsValid);
    }

    [Fact]
    public async Task Embeddings_ReturnVectorsOfRequestedDimensions()
    {
        var embeddings = Client().GetEmbeddingClient("sim-embedding");
        OpenAIEmbeddingCollection result = await embeddings.GenerateEmbeddingsAsync(["first text", "second text"], new EmbeddingGenerationOptions { Dimensions = 256 }, Ct);

        Assert.Equal(2, result.Count);
        Assert.All(result, e => Assert.Equal(256, e.ToFloats().Length));
        Assert.True(result.Usage.InputTokenCount > 0);
    }

    [Fact]
    public async Task ExtensionsAI_ChatClient_WorksPlainAndStreaming()
    {
        IChatClient client = Client().GetChatClient("sim-small").AsIChatClient();

        var response = await client.GetResponseAsync("Say something.", cancellationToken: Ct);
        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.True(response.Usage?.InputTokenCount > 0);

        var streamed = new System.Text.StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync("Say something else.", cancellationToken: Ct))
        {
            streamed.Append(update.Text);
        }

        Assert.True(streamed.Length > 0);
    }

    [Fact]
    public async Task Models_ListsConfiguredAliases()
    {
        var models = await Client().GetOpenAIModelClient().GetModelsAsync(Ct);
        var ids = models.Value.Select(m => m.Id).ToArray();
        Assert.Contains("sim-small", ids);
        Assert.Contains("sim-medium", ids);
        Assert.Contains("sim-large", ids);
        Assert.Contains("sim-embedding", ids);
    }

    [Fact]
    public async Task SimulatorFaultHeader_RateLimit_ArrivesAsSdk429()
    {
        using var http = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""),
        };
        request.Headers.Add("x-gatehouse-sim-fault", "rate_limit");
        request.Headers.Add("x-gatehouse-sim-retry-after", "7");
        using var response = await http.SendAsync(request, Ct);

        Assert.Equal(429, (int)response.StatusCode);
        Assert.Equal("7", response.Headers.GetValues("Retry-After").Single());
    }
}
