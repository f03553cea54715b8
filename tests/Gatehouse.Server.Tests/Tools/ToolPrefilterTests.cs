using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Tools;

/// <summary>Tool prefiltering end to end: Gatehouse and a fake OpenAI upstream, both real Kestrel servers on loopback.</summary>
public sealed class ToolPrefilterTests : IAsyncLifetime
{
    private const string SearchCall = """{"id":"chatcmpl-a","object":"chat.completion","created":1730000000,"model":"upstream-model","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"search_tools","arguments":"{\"query\":\"currency exchange convert money\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110}}""";

    private const string FinalAnswer = """{"id":"chatcmpl-b","object":"chat.completion","created":1730000000,"model":"upstream-model","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_2","type":"function","function":{"name":"convert_currency","arguments":"{\"amount\":\"100 USD\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":200,"completion_tokens":20,"total_tokens":220}}""";

    private const string PrefilterOn = """, "Tools": { "Prefilter": true }""";

    private FakeUpstream _upstream = null!;

    public async ValueTask InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async ValueTask DisposeAsync() => await _upstream.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // MinSavedTokens 0: the ten test tools are small, and these tests are about what a cut does.
    private Task<GatehouseServer> StartAsync(string tools = "", string alias = "", int minSavedTokens = 0) => GatehouseServer.StartAsync(_upstream.Config(extra: $$"""
        , "Tools": { "MinTools": 3, "MaxTools": 3, "MinSavedTokens": {{minSavedTokens}} {{tools}} }
        """).Replace("""{ "Deployments": [ "fake-deployment" ] }""", $$"""{ "Deployments": [ "fake-deployment" ] {{alias}} }""", StringComparison.Ordinal));

    private static string Body(string message, string extra = "", int tools = 10) =>
        $$"""{"model":"fake-model","messages":[{"role":"user","content":"{{message}}"}],"tools":{{ToolCatalog.ToolsJson(tools)}}{{extra}}}""";

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body, string? tools = "prefilter")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = GatehouseServer.Json(body) };
        if (tools is not null)
        {
            request.Headers.Add("x-gatehouse-tools", tools);
        }

        return await client.SendAsync(request, Ct);
    }

    private static string Header(HttpResponseMessage response, string name) => response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    private static string[] SentToolNames(ReceivedRequest request)
    {
        using var document = JsonDocument.Parse(request.Body);
        return [.. document.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)];
    }

    [Fact]
    public async Task Prefilter_SendsTheRelevantToolsByteForByte_PlusTheSearchFunction()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var response = await PostAsync(client, Body("What's the weather forecast in Lisbon?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(_upstream.Received);
        var names = SentToolNames(sent);
        Assert.Equal("get_weather", names[0]);
        Assert.Equal("search_tools", names[^1]);
        Assert.DoesNotContain("play_music", names);
        Assert.Contains(ToolCatalog.Definition("get_weather", ToolCatalog.Tools[0].Description, "city"), sent.Body, StringComparison.Ordinal);
        Assert.Equal("10", Header(response, "x-gatehouse-tools-offered"));
        Assert.Equal((names.Length - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), Header(response, "x-gatehouse-tools-sent"));
        var offered = int.Parse(Header(response, "x-gatehouse-tool-tokens-offered"), System.Globalization.CultureInfo.InvariantCulture);
        var sentTokens = int.Parse(Header(response, "x-gatehouse-tool-tokens-sent"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(sentTokens, 1, offered - 1);

        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(10, record.ToolsOffered);
        Assert.Equal(names.Length - 1, record.ToolsSent);
        Assert.Equal(offered, record.ToolTokensOffered);
        Assert.Equal(sentTokens, record.ToolTokensSent);
        Assert.Equal(0, record.ToolSearchRounds);

        // Analytics adds them up over the range.
        var range = $"from={Uri.EscapeDataString(record.Timestamp.AddMinutes(-1).ToString("O"))}&to={Uri.EscapeDataString(record.Timestamp.AddMinutes(1).ToString("O"))}";
        using var analytics = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync($"api/analytics?{range}", Ct));
        var totals = analytics.RootElement.GetProperty("requests").GetProperty("tools");
        Assert.Equal(1, totals.GetProperty("calls").GetInt64());
        Assert.Equal(offered, totals.GetProperty("tokensOffered").GetInt64());
        Assert.Equal(sentTokens, totals.GetProperty("tokensSent").GetInt64());
    }

    [Fact]
    public async Task AllToolsRelevant_TheBodyPassesThroughUnchanged()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();
        var body = Body("Weather, flights and hotels please", tools: 3);

        using var response = await PostAsync(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Replace("fake-model", "upstream-model", StringComparison.Ordinal), Assert.Single(_upstream.Received).Body);
        Assert.Equal("3", Header(response, "x-gatehouse-tools-sent"));
        Assert.Equal(Header(response, "x-gatehouse-tool-tokens-offered"), Header(response, "x-gatehouse-tool-tokens-sent"));
    }

    [Fact]
    public async Task CutSavingTooFewTokens_TheBodyPassesThroughUnchanged()
    {
        await using var server = await StartAsync(minSavedTokens: 500);
        using var client = server.CreateClient();
        var body = Body("What's the weather forecast in Lisbon?");

        using var response = await PostAsync(client, body);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(body.Replace("fake-model", "upstream-model", StringComparison.Ordinal), Assert.Single(_upstream.Received).Body);
        Assert.Equal("10", Header(response, "x-gatehouse-tools-sent"));
        var offered = int.Parse(Header(response, "x-gatehouse-tool-tokens-offered"), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(offered, 1, 500 + 83);
        Assert.Equal(Header(response, "x-gatehouse-tool-tokens-offered"), Header(response, "x-gatehouse-tool-tokens-sent"));
    }

    [Fact]
    public async Task Off_ByDefault_NothingChanges()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var response = await PostAsync(client, Body("What's the weather?"), tools: null);

        Assert.Equal(10, SentToolNames(Assert.Single(_upstream.Received)).Length);
        Assert.Equal("", Header(response, "x-gatehouse-tools-offered"));
        Assert.Null(Assert.Single(await server.WaitForRecordsAsync(1)).ToolsOffered);
    }

    [Fact]
    public async Task AliasTurnsItOn_AndTheHeaderTurnsItOff()
    {
        await using var server = await StartAsync(alias: PrefilterOn);
        using var client = server.CreateClient();

        using var on = await PostAsync(client, Body("What's the weather?"), tools: null);
        using var off = await PostAsync(client, Body("What's the weather?"), tools: "off");

        var received = _upstream.Received.ToArray();
        Assert.True(SentToolNames(received[0]).Length < 10);
        Assert.Equal(10, SentToolNames(received[1]).Length);
    }

    [Fact]
    public async Task KeySetting_TurnsItOn()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        using var created = await admin.PostAsync("api/keys", GatehouseServer.Json("""{"name":"assistant"}"""), Ct);
        using var createdJson = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        var id = createdJson.RootElement.GetProperty("id").GetString();
        using var patched = await admin.PatchAsync($"api/keys/{id}", GatehouseServer.Json("""{"toolPrefilter":true}"""), Ct);
        Assert.Contains("\"toolPrefilter\":true", await patched.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        using var client = server.CreateClient(createdJson.RootElement.GetProperty("key").GetString());

        using var response = await PostAsync(client, Body("What's the weather?"), tools: null);

        Assert.True(SentToolNames(Assert.Single(_upstream.Received)).Length < 10);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("prefilter,off")]
    public async Task BadHeader_Is400InvalidHeader(string value)
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var response = await PostAsync(client, Body("hi"), tools: value);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("invalid_header", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("x-gatehouse-tools", error.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Empty(_upstream.Received);
    }

    [Fact]
    public async Task HistoryForcedAndPinnedTools_AreAlwaysSent()
    {
        await using var server = await StartAsync(tools: """, "Pinned": [ "set_*" ]""");
        using var client = server.CreateClient();
        var body = """{"model":"fake-model","messages":[{"role":"user","content":"mail Bob"},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"send_email","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"sent"},{"role":"user","content":"What's the weather in Oslo?"}],"tools":"""
            + ToolCatalog.ToolsJson() + ""","tool_choice":{"type":"function","function":{"name":"get_stock_price"}}}""";

        using var response = await PostAsync(client, body);

        var names = SentToolNames(Assert.Single(_upstream.Received));
        Assert.Contains("get_weather", names);
        Assert.Contains("send_email", names);
        Assert.Contains("set_alarm", names);
        Assert.Contains("get_stock_price", names);
        Assert.DoesNotContain("search_tools", names); // a forced choice leaves nothing to search for
    }

    [Fact]
    public async Task ModelSearches_CallIsReissuedWithTheFoundTools_ClientSeesOnlyTheFinalAnswer_CostIsTheSum()
    {
        _upstream.Handler = (context, received) => FakeResponses.WriteChatCompletionAsync(context, _upstream.Received.Count == 1 ? SearchCall : FinalAnswer);
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var response = await PostAsync(client, Body("What's the weather in Paris?"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(FinalAnswer, await response.Content.ReadAsStringAsync(Ct));
        var received = _upstream.Received.ToArray();
        Assert.Equal(2, received.Length);
        Assert.DoesNotContain("convert_currency", SentToolNames(received[0]));
        Assert.Contains("convert_currency", SentToolNames(received[1]));
        Assert.Contains("search_tools", SentToolNames(received[1])); // MaxRounds 2: the second round may still search, a third would carry every tool
        Assert.Equal("1", Header(response, "x-gatehouse-tools-search-rounds"));
        Assert.Equal("300", Header(response, "x-gatehouse-input-tokens"));
        Assert.Equal("30", Header(response, "x-gatehouse-output-tokens"));

        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(300, record.InputTokens);
        Assert.Equal(30, record.OutputTokens);
        Assert.Equal(1, record.ToolSearchRounds);
        Assert.True(server.GetService<global::Gatehouse.Routing.RouteTableProvider>().Current.TryGet("fake-model", out var route));
        var price = route.Primary.Price!;
        var onePriced = global::Gatehouse.Usage.CostCalculator.Compute(new global::Gatehouse.Usage.TokenUsage(100, 10), price).Total
            + global::Gatehouse.Usage.CostCalculator.Compute(new global::Gatehouse.Usage.TokenUsage(200, 20), price).Total;
        Assert.Equal(onePriced, record.CostUsd);
        Assert.Equal(onePriced.ToString("0.##########", System.Globalization.CultureInfo.InvariantCulture), Header(response, "x-gatehouse-cost-usd"));
    }

    [Fact]
    public async Task ModelSearchesInAStream_TheSearchIsHeldBack_ClientGetsOneCleanStream()
    {
        var searchStream = new[]
        {
            """{"id":"s1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"role":"assistant","content":null,"tool_calls":[{"index":0,"id":"call_1","type":"function","function":{"name":"search_tools","arguments":""}}]},"finish_reason":null}]}""",
            """{"id":"s1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"function":{"arguments":"{\"query\":\"convert currency\"}"}}]},"finish_reason":null}]}""",
            """{"id":"s1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{},"finish_reason":"tool_calls"}]}""",
            """{"id":"s1","object":"chat.completion.chunk","created":1,"model":"m","choices":[],"usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110}}""",
            "[DONE]",
        };
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, _upstream.Received.Count == 1 ? searchStream : FakeResponses.StreamEvents());
        await using var server = await StartAsync(alias: PrefilterOn);

        var (text, endedCleanly) = await SseReader.PostAsync(server, Body("What's the weather in Paris?", extra: ",\"stream\":true"));

        Assert.True(endedCleanly);
        Assert.DoesNotContain("search_tools", text, StringComparison.Ordinal);
        Assert.Contains("Hello", text, StringComparison.Ordinal);
        Assert.Equal(2, _upstream.Received.Count);
        Assert.Contains("convert_currency", SentToolNames(_upstream.Received.ToArray()[1]));
        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(120, record.InputTokens);
        Assert.Equal(12, record.OutputTokens);
        Assert.Equal(1, record.ToolSearchRounds);
    }

    [Fact]
    public async Task TextFirstStream_FlowsWithoutWaitingForTheEnd()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents());
        await using var server = await StartAsync(alias: PrefilterOn);

        var (text, endedCleanly) = await SseReader.PostAsync(server, Body("What's the weather?", extra: ",\"stream\":true"));

        Assert.True(endedCleanly);
        Assert.Contains("Hello", text, StringComparison.Ordinal);
        Assert.Single(_upstream.Received);
        Assert.Equal(0, Assert.Single(await server.WaitForRecordsAsync(1)).ToolSearchRounds);
    }
}
