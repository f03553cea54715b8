using System.Globalization;
using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Anthropic.Inbound;
using Gatehouse.Tests.Anthropic.Upstream;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Tools;

/// <summary>
/// Tool prefiltering of <c>/v1/messages</c> calls end to end: Gatehouse, a fake Anthropic upstream
/// (the client's body goes up natively, narrowed) and a fake OpenAI upstream (the narrowed body goes up
/// translated), all real Kestrel servers on loopback.
/// </summary>
public sealed class AnthropicToolPrefilterTests : IAsyncLifetime
{
    private const string SearchMessage = """{"id":"msg_s","type":"message","role":"assistant","model":"claude-up","content":[{"type":"tool_use","id":"toolu_s","name":"search_tools","input":{"query":"currency exchange convert money"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":100,"output_tokens":10}}""";

    private const string FinalMessage = """{"id":"msg_f","type":"message","role":"assistant","model":"claude-up","content":[{"type":"tool_use","id":"toolu_f","name":"convert_currency","input":{"amount":"100 USD"}}],"stop_reason":"tool_use","stop_sequence":null,"usage":{"input_tokens":200,"output_tokens":20}}""";

    /// <summary>An Anthropic stream whose only block is a call of the search function, its input in two pieces.</summary>
    private static readonly string[] SearchEvents =
    [
        """{"type":"message_start","message":{"id":"msg_s","type":"message","role":"assistant","model":"claude-up","content":[],"stop_reason":null,"stop_sequence":null,"usage":{"input_tokens":100,"output_tokens":1}}}""",
        """{"type":"content_block_start","index":0,"content_block":{"type":"tool_use","id":"toolu_s","name":"search_tools","input":{}}}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":"{\"query\":"}}""",
        """{"type":"content_block_delta","index":0,"delta":{"type":"input_json_delta","partial_json":" \"convert currency\"}"}}""",
        """{"type":"content_block_stop","index":0}""",
        """{"type":"message_delta","delta":{"stop_reason":"tool_use","stop_sequence":null},"usage":{"output_tokens":10}}""",
        """{"type":"message_stop"}""",
    ];

    private FakeUpstream _openAI = null!;
    private FakeAnthropic _anthropic = null!;

    public async ValueTask InitializeAsync()
    {
        _openAI = await FakeUpstream.StartAsync();
        _anthropic = await FakeAnthropic.StartAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _anthropic.DisposeAsync();
        await _openAI.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary><c>claude</c> goes to the fake Anthropic upstream (native), <c>fake-model</c> to the fake OpenAI one (translated); prefiltering is on for both.</summary>
    private Task<GatehouseServer> StartAsync(string tools = "") => GatehouseServer.StartAsync(
        FakeAnthropic.ThreeBackendConfig(_openAI, _anthropic).Replace(
            "\"Models\": {", $$"""
            "Tools": { "Prefilter": true, "MinTools": 3, "MaxTools": 3 {{tools}} }, "Models": {
            """, StringComparison.Ordinal));

    private static string Body(string message, string model = "claude", string extra = "", int tools = 30) =>
        $$"""{"model":"{{model}}","max_tokens":200,"messages":[{"role":"user","content":"{{message}}"}],"tools":{{ToolCatalog.AnthropicToolsJson(tools)}}{{extra}}}""";

    private static async Task<HttpResponseMessage> PostAsync(GatehouseServer server, string body)
    {
        using var client = server.CreateClient(key: null);
        client.DefaultRequestHeaders.Add("x-api-key", GatehouseServer.MasterKey);
        client.DefaultRequestHeaders.Add("anthropic-version", "2023-06-01");
        return await client.PostAsync("v1/messages", GatehouseServer.Json(body), Ct);
    }

    private static string Header(HttpResponseMessage response, string name) => response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    private static int IntHeader(HttpResponseMessage response, string name) => int.Parse(Header(response, name), CultureInfo.InvariantCulture);

    /// <summary>Tool names in a body that went up to the Anthropic upstream (<c>tools[].name</c>).</summary>
    private static string[] AnthropicToolNames(ReceivedRequest request)
    {
        using var document = JsonDocument.Parse(request.Body);
        return [.. document.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("name").GetString()!)];
    }

    /// <summary>Tool names in a body that went up to the OpenAI upstream (<c>tools[].function.name</c>).</summary>
    private static string[] OpenAIToolNames(ReceivedRequest request)
    {
        using var document = JsonDocument.Parse(request.Body);
        return [.. document.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)];
    }

    [Fact]
    public async Task ThirtyTools_NativeUpstreamGetsTheKeptToolsByteForByte_PlusTheSearchFunctionInAnthropicShape_AndTheCallIsAccounted()
    {
        await using var server = await StartAsync();
        var body = Body("What's the weather forecast in Lisbon?");

        using var response = await PostAsync(server, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FakeAnthropic.Message, await response.Content.ReadAsStringAsync(Ct));
        var sent = Assert.Single(_anthropic.Received);
        var names = AnthropicToolNames(sent);
        Assert.Equal("get_weather", names[0]);
        Assert.Equal("search_tools", names[^1]);
        Assert.InRange(names.Length, 2, 4); // at most MaxTools ranked, plus the search function
        Assert.DoesNotContain("play_music", names);
        Assert.DoesNotContain("start_timer", names);

        // Only the tools array changed: every kept definition and every byte around the array is the client's.
        using var sentJson = JsonDocument.Parse(sent.Body);
        var tools = sentJson.RootElement.GetProperty("tools");
        var toolsText = tools.GetRawText();
        Assert.Contains(ToolCatalog.AnthropicDefinition("get_weather", ToolCatalog.Tools[0].Description, "city"), toolsText, StringComparison.Ordinal);
        var search = tools[names.Length - 1];
        Assert.Equal("object", search.GetProperty("input_schema").GetProperty("type").GetString());
        Assert.False(search.TryGetProperty("type", out _));
        var expected = body.Replace("\"model\":\"claude\"", "\"model\":\"claude-up\"", StringComparison.Ordinal)
            .Replace(ToolCatalog.AnthropicToolsJson(), toolsText, StringComparison.Ordinal);
        Assert.Equal(expected, sent.Body);

        Assert.Equal("30", Header(response, "x-gatehouse-tools-offered"));
        Assert.Equal((names.Length - 1).ToString(CultureInfo.InvariantCulture), Header(response, "x-gatehouse-tools-sent"));
        Assert.Equal("lexical", Header(response, "x-gatehouse-tools-ranking"));
        Assert.Equal("", Header(response, "x-gatehouse-tools-search-rounds"));
        var offered = IntHeader(response, "x-gatehouse-tool-tokens-offered");
        var sentTokens = IntHeader(response, "x-gatehouse-tool-tokens-sent");
        Assert.InRange(sentTokens, 1, offered / 3);

        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal("messages", record.Endpoint);
        Assert.Equal(30, record.ToolsOffered);
        Assert.Equal(names.Length - 1, record.ToolsSent);
        Assert.Equal(offered, record.ToolTokensOffered);
        Assert.Equal(sentTokens, record.ToolTokensSent);
        Assert.Equal(0, record.ToolSearchRounds);
    }

    [Fact]
    public async Task ThirtyTools_TranslatedUpstreamGetsTheSameToolsAsOpenAIFunctions()
    {
        await using var server = await StartAsync();

        using var response = await PostAsync(server, Body("What's the weather forecast in Lisbon?", model: "fake-model"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var names = OpenAIToolNames(Assert.Single(_openAI.Received));
        Assert.Equal("get_weather", names[0]);
        Assert.Equal("search_tools", names[^1]);
        Assert.InRange(names.Length, 2, 4);
        Assert.Equal("30", Header(response, "x-gatehouse-tools-offered"));
        Assert.Equal((names.Length - 1).ToString(CultureInfo.InvariantCulture), Header(response, "x-gatehouse-tools-sent"));
    }

    [Fact]
    public async Task HistoryToolUseForcedToolChoiceAndPinnedTools_AreAlwaysSent_AndAForcedChoiceGetsNoSearchFunction()
    {
        await using var server = await StartAsync(tools: """, "Pinned": [ "set_*" ]""");
        var body = """{"model":"claude","max_tokens":200,"system":[{"type":"text","text":"You are a travel assistant."}],"messages":["""
            + """{"role":"user","content":[{"type":"text","text":"mail Bob"}]},"""
            + """{"role":"assistant","content":[{"type":"text","text":"Sending."},{"type":"tool_use","id":"toolu_1","name":"send_email","input":{"recipient":"Bob"}}]},"""
            + """{"role":"user","content":[{"type":"tool_result","tool_use_id":"toolu_1","content":"sent"},{"type":"text","text":"What's the weather in Oslo?"}]}],"""
            + "\"tools\":" + ToolCatalog.AnthropicToolsJson() + ""","tool_choice":{"type":"tool","name":"get_stock_price"}}""";

        using var response = await PostAsync(server, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var names = AnthropicToolNames(Assert.Single(_anthropic.Received));
        Assert.Contains("get_weather", names);
        Assert.Contains("send_email", names);
        Assert.Contains("set_alarm", names);
        Assert.Contains("set_reminder", names);
        Assert.Contains("get_stock_price", names);
        Assert.DoesNotContain("search_tools", names);
        Assert.True(names.Length < 30);
    }

    [Fact]
    public async Task AllToolsRelevant_TheClientsBodyGoesUpByteIdentical()
    {
        await using var server = await StartAsync();
        var body = Body("Weather, flights and hotels please", tools: 3);

        using var response = await PostAsync(server, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Replace("\"model\":\"claude\"", "\"model\":\"claude-up\"", StringComparison.Ordinal), Assert.Single(_anthropic.Received).Body);
        Assert.Equal("3", Header(response, "x-gatehouse-tools-offered"));
        Assert.Equal("3", Header(response, "x-gatehouse-tools-sent"));
        Assert.Equal(Header(response, "x-gatehouse-tool-tokens-offered"), Header(response, "x-gatehouse-tool-tokens-sent"));
    }

    [Fact]
    public async Task ModelSearches_CallIsReissuedWithTheFoundTools_ClientSeesOnlyTheFinalAnswer_UsageIsTheSum()
    {
        _anthropic.Handler = context => FakeAnthropic.WriteJsonAsync(context, 200, _anthropic.Received.Count == 1 ? SearchMessage : FinalMessage);
        await using var server = await StartAsync();

        using var response = await PostAsync(server, Body("What's the weather in Paris?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FinalMessage, await response.Content.ReadAsStringAsync(Ct));
        var received = _anthropic.Received.ToArray();
        Assert.Equal(2, received.Length);
        Assert.DoesNotContain("convert_currency", AnthropicToolNames(received[0]));
        Assert.Contains("convert_currency", AnthropicToolNames(received[1]));
        Assert.Equal("1", Header(response, "x-gatehouse-tools-search-rounds"));
        Assert.Equal("300", Header(response, "x-gatehouse-input-tokens"));
        Assert.Equal("30", Header(response, "x-gatehouse-output-tokens"));
        Assert.True(IntHeader(response, "x-gatehouse-tools-sent") > AnthropicToolNames(received[0]).Length - 1);

        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(300, record.InputTokens);
        Assert.Equal(30, record.OutputTokens);
        Assert.Equal(1, record.ToolSearchRounds);
        Assert.Equal(IntHeader(response, "x-gatehouse-tool-tokens-sent"), record.ToolTokensSent);
    }

    [Fact]
    public async Task ModelSearchesInANativeStream_TheSearchIsHeldBack_ClientGetsOneCleanAnthropicStream()
    {
        _anthropic.Handler = context => FakeAnthropic.WriteEventsAsync(context, _anthropic.Received.Count == 1 ? SearchEvents : AnthropicEvents.TextThenTool);
        await using var server = await StartAsync();

        var (text, endedCleanly) = await SseReader.PostAsync(server, Body("What's the weather in Paris?", extra: ",\"stream\":true"), "v1/messages");

        Assert.True(endedCleanly);
        Assert.Equal(AnthropicEvents.Sse(AnthropicEvents.TextThenTool), text);
        var received = _anthropic.Received.ToArray();
        Assert.Equal(2, received.Length);
        Assert.Contains("convert_currency", AnthropicToolNames(received[1]));
        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(100 + 2572, record.InputTokens);
        Assert.Equal(10 + 89, record.OutputTokens);
        Assert.Equal(1, record.ToolSearchRounds);
    }

    [Fact]
    public async Task ModelSearchesInATranslatedStream_TheSearchIsHeldBack_ClientGetsOneCleanAnthropicStream()
    {
        var searchChunks = new[]
        {
            """{"id":"s1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"search_tools","arguments":""}}]},"finish_reason":null}]}""",
            """{"id":"s1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"query\":\"convert currency\"}"}}]},"finish_reason":null}]}""",
            """{"id":"s1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            """{"id":"s1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110}}""",
            "[DONE]",
        };
        _openAI.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, _openAI.Received.Count == 1 ? searchChunks : FakeResponses.StreamEvents());
        await using var server = await StartAsync();

        var (text, endedCleanly) = await SseReader.PostAsync(server, Body("What's the weather in Paris?", model: "fake-model", extra: ",\"stream\":true"), "v1/messages");

        Assert.True(endedCleanly);
        Assert.DoesNotContain("search_tools", text, StringComparison.Ordinal);
        var events = AnthropicSse.Parse(text);
        Assert.Single(events, e => e.Event == "message_start");
        Assert.Equal("message_stop", events[^1].Event);
        Assert.Contains("Hello", text, StringComparison.Ordinal);
        Assert.Contains("convert_currency", OpenAIToolNames(_openAI.Received.ToArray()[1]));
        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(120, record.InputTokens);
        Assert.Equal(1, record.ToolSearchRounds);
    }

    [Fact]
    public async Task MalformedToolsEntry_IsAnAnthropicInvalidRequestError_NothingGoesUp()
    {
        await using var server = await StartAsync();
        var body = $$"""{"model":"claude","max_tokens":200,"messages":[{"role":"user","content":"weather?"}],"tools":[1,{{ToolCatalog.AnthropicToolsJson(5)[1..]}}}""";

        using var response = await PostAsync(server, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("error", error.RootElement.GetProperty("type").GetString());
        Assert.Equal("invalid_request_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("tools.0", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_anthropic.Received);
    }

    [Fact]
    public async Task BadToolsHeader_IsAnAnthropicShaped400()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/messages") { Content = GatehouseServer.Json(Body("weather?")) };
        request.Headers.Add("x-gatehouse-tools", "yes");

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("error", error.RootElement.GetProperty("type").GetString()); // Anthropic's envelope, not OpenAI's
        Assert.Equal("invalid_request_error", error.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains("x-gatehouse-tools", error.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_anthropic.Received);
    }

    [Fact]
    public async Task OddButAcceptedToolFields_AreRankedWithoutThem_AndTheCallGoesThrough()
    {
        await using var server = await StartAsync();
        const string odd = """{"name":"mystery_tool","description":42,"input_schema":{"type":"object","properties":[1,2]}}""";
        var body = $$"""{"model":"claude","max_tokens":200,"messages":[{"role":"user","content":"What's the weather forecast in Lisbon?"}],"tools":{{ToolCatalog.AnthropicToolsJson()[..^1]}},{{odd}}]}""";

        using var response = await PostAsync(server, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("31", Header(response, "x-gatehouse-tools-offered"));
        var names = AnthropicToolNames(Assert.Single(_anthropic.Received));
        Assert.Equal("get_weather", names[0]);
        Assert.DoesNotContain("mystery_tool", names); // it matches nothing, so it is not among the best few
        Assert.Equal("search_tools", names[^1]);
    }
}
