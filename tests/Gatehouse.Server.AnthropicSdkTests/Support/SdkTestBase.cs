using System.Text.Json;
using Anthropic;
using Anthropic.Helpers;
using Anthropic.Models.Messages;
using Gatehouse.Tests.Anthropic.Upstream;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.AnthropicSdkTests.Support;

/// <summary>
/// One Gatehouse per test, on real Kestrel, with three kinds of deployment behind <c>/v1/messages</c>:
/// the built-in simulator (<c>sim-small</c>), a fake OpenAI upstream (<c>fake-model</c>) and a fake
/// Anthropic upstream (<c>claude</c>). Tests talk to it with the official Anthropic .NET SDK.
/// </summary>
public abstract class SdkTestBase : IAsyncLifetime
{
    public const string Simulator = "sim-small";
    public const string OpenAIModel = "fake-model";
    public const string AnthropicModel = "claude";

    /// <summary>A JSON schema the simulator must satisfy when it invents tool input.</summary>
    public const string WeatherSchema = """
        {"type":"object","properties":{"city":{"type":"string"},"unit":{"type":"string","enum":["celsius","fahrenheit"]},"days":{"type":"integer","minimum":1,"maximum":7}},"required":["city","unit"],"additionalProperties":false}
        """;

    private protected FakeUpstream OpenAIUpstream { get; private set; } = null!;

    private protected FakeAnthropic AnthropicUpstream { get; private set; } = null!;

    private protected GatehouseServer Server { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        OpenAIUpstream = await FakeUpstream.StartAsync();
        AnthropicUpstream = await FakeAnthropic.StartAsync();
        Server = await GatehouseServer.StartAsync(FakeAnthropic.ThreeBackendConfig(OpenAIUpstream, AnthropicUpstream));
    }

    public virtual async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await AnthropicUpstream.DisposeAsync();
        await OpenAIUpstream.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    /// <summary>The SDK pointed at Gatehouse's root (the SDK appends <c>/v1/messages</c>), retries off so each test sees one call.</summary>
    protected AnthropicClient Client(string key = GatehouseServer.MasterKey) => new()
    {
        ApiKey = key,
        BaseUrl = Server.BaseAddress.ToString().TrimEnd('/'),
        MaxRetries = 0,
        Timeout = TimeSpan.FromSeconds(30),
    };

    protected static MessageCreateParams Params(string model, string prompt = "Hello", long maxTokens = 200) => new()
    {
        Model = model,
        MaxTokens = maxTokens,
        Messages = [new UserMessageParam(prompt)],
    };

    protected static Tool WeatherTool(string name = "get_weather") => new()
    {
        Name = name,
        Description = "Current weather for a city",
        InputSchema = new InputSchema(JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(WeatherSchema)!),
    };

    /// <summary>Streams with the SDK and returns every event plus the SDK's own aggregate of the stream (one HTTP call).</summary>
    protected static async Task<(List<RawMessageStreamEvent> Events, Message Aggregated)> StreamAsync(AnthropicClient client, MessageCreateParams parameters)
    {
        var aggregator = new MessageContentAggregator();
        var events = new List<RawMessageStreamEvent>();
        await foreach (var e in client.Messages.CreateStreaming(parameters, Ct).CollectAsync(aggregator).WithCancellation(Ct))
        {
            events.Add(e);
        }

        return (events, aggregator.Message());
    }

    protected static string TextDeltas(IEnumerable<RawMessageStreamEvent> events) => string.Concat(events.Select(e =>
        e.TryPickContentBlockDelta(out var delta) && delta.Delta.TryPickText(out var text) ? text.Text : string.Empty));

    protected static string InputJsonDeltas(IEnumerable<RawMessageStreamEvent> events, long index) => string.Concat(events.Select(e =>
        e.TryPickContentBlockDelta(out var delta) && delta.Index == index && delta.Delta.TryPickInputJson(out var json) ? json.PartialJson : string.Empty));

    protected static string Text(Message message) => string.Concat(message.Content.Select(b => b.TryPickText(out var text) ? text.Text : string.Empty));

    protected static ToolUseBlock SingleToolUse(Message message) =>
        Assert.Single(message.Content.Select(b => b.TryPickToolUse(out var tool) ? tool : null).OfType<ToolUseBlock>());

    protected static JsonElement ToJson(IReadOnlyDictionary<string, JsonElement> input) => JsonSerializer.SerializeToElement(input);

    /// <summary>Waits for the background writer and returns the single record, which must be a <c>messages</c> call.</summary>
    protected async Task<global::Gatehouse.Records.RequestRecord> SingleMessagesRecordAsync()
    {
        var record = Assert.Single(await Server.WaitForRecordsAsync(1));
        Assert.Equal("messages", record.Endpoint);
        return record;
    }
}
