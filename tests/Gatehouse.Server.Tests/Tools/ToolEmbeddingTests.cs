using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Gatehouse.Tools;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace Gatehouse.Tests.Tools;

/// <summary>
/// Embedding similarity in the tool prefilter, on real servers: Gatehouse with the simulator's
/// <c>sim-embedding</c> (its vectors are a hash of the text, so identical text is the only similarity
/// it knows), and a fake OpenAI upstream for the chat and for failing embeddings.
/// </summary>
public sealed class ToolEmbeddingTests : IAsyncLifetime
{
    // Six tools whose names and descriptions hold the same words: lexically the field is flat, so
    // only the similarity can lift the last one above the client's order.
    private static readonly string[] Names = ["alpha_beta_gamma", "alpha_gamma_beta", "beta_alpha_gamma", "beta_gamma_alpha", "gamma_alpha_beta", "gamma_beta_alpha"];

    private FakeUpstream _upstream = null!;

    public async ValueTask InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async ValueTask DisposeAsync() => await _upstream.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Definition(string name) => ToolCatalog.Definition(name, "Runs a job for the user.", "input");

    /// <summary>The user message that the simulator embeds exactly like the last tool.</summary>
    private static string MessageLikeLastTool()
    {
        using var document = JsonDocument.Parse(Definition(Names[^1]));
        return ToolEmbedder.TextOf(document.RootElement);
    }

    private static string Body(string message) =>
        $$"""{"model":"fake-model","messages":[{"role":"user","content":"{{message}}"}],"tools":[{{string.Join(",", Names.Select(Definition))}}]}""";

    // The wait for embeddings is wall-clock time in the product; a test that is not about that
    // wait gives it far more than a loaded CI machine needs (a 1.5 s default once timed out there
    // on a 300-tool fill), and the tests about it pass their own.
    private Task<GatehouseServer> StartAsync(string embeddingModel, string embeddingTimeoutMs = "30000", Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? configure = null, int searchResults = 5, int minSavedTokens = 0) => GatehouseServer.StartAsync($$"""
        {
          "Gatehouse": {
            "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{_upstream.BaseUrl}}" } },
            "Deployments": {
              "fake-deployment": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o" },
              "fake-embedding": { "Provider": "fake", "Model": "upstream-embedding", "PriceAs": "text-embedding-3-small" },
              "sim-embedding": { "Simulation": { "TimeToFirstTokenMs": 0 } } },
            "Models": { "fake-model": { "Deployments": [ "fake-deployment" ] }, "fake-embedder": { "Deployments": [ "fake-embedding" ] } },
            "Tools": { "Prefilter": true, "MinTools": 3, "MaxTools": 3, "MinSavedTokens": {{minSavedTokens}}, "EmbeddingModel": "{{embeddingModel}}", "EmbeddingTimeoutMs": {{embeddingTimeoutMs}}, "Search": { "MaxResults": {{searchResults}} } }
          }
        }
        """, configure: configure);

    private static string[] SentToolNames(ReceivedRequest request)
    {
        using var document = JsonDocument.Parse(request.Body);
        return [.. document.RootElement.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)];
    }

    private static string Header(HttpResponseMessage response, string name) => response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    [Fact]
    public async Task SimulatorEmbeddings_LiftTheMostSimilarTool_WhenTheLexicalFieldIsFlat()
    {
        await using var server = await StartAsync("sim-embedding");
        using var client = server.CreateClient();

        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body(MessageLikeLastTool())), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("lexical+embedding", Header(response, "x-gatehouse-tools-ranking"));
        var sent = SentToolNames(Assert.Single(_upstream.Received));
        Assert.Equal(Names[^1], sent[^2]); // the client's order is kept; the search function comes last
        Assert.Equal(4, sent.Length);
    }

    [Fact]
    public async Task ModelSearches_TheSearchTextIsRankedBySimilarityToo()
    {
        // The model searches with the text the simulator embeds exactly like the last tool; lexically
        // every unsent tool ties, so only the similarity can pick that one as the single result.
        var search = $$$"""{"id":"chatcmpl-a","object":"chat.completion","created":1730000000,"model":"upstream-model","choices":[{"index":0,"message":{"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"search_tools","arguments":"{\"query\":\"{{{MessageLikeLastTool()}}}\"}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":100,"completion_tokens":10,"total_tokens":110}}""";
        _upstream.Handler = (context, _) => _upstream.Received.Count == 1 ? FakeResponses.WriteChatCompletionAsync(context, search) : FakeResponses.WriteChatCompletionAsync(context);
        await using var server = await StartAsync("sim-embedding", searchResults: 1);
        using var client = server.CreateClient();

        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body("run the job please")), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("1", Header(response, "x-gatehouse-tools-search-rounds"));
        var received = _upstream.Received.ToArray();
        Assert.Equal(2, received.Length);
        var first = SentToolNames(received[0]);
        var second = SentToolNames(received[1]);
        Assert.DoesNotContain(Names[^1], first);
        Assert.Equal([.. first.Where(n => n != "search_tools").Append(Names[^1]).Order(StringComparer.Ordinal)], second.Where(n => n != "search_tools").Order(StringComparer.Ordinal));

        // One embeddings call per ranking (the message's, then the search text's) and one for the tools (cached by the second).
        var embeddings = (await server.WaitForRecordsAsync(4)).Where(r => r.Endpoint == "embeddings").ToList();
        Assert.Equal(3, embeddings.Count);
    }

    [Fact]
    public async Task ToolsTooSmallToBeWorthACut_GoUnchanged_WithoutAnEmbeddingsCall()
    {
        await using var server = await StartAsync("sim-embedding", minSavedTokens: 100_000);
        using var client = server.CreateClient();
        var body = Body(MessageLikeLastTool());

        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("lexical", Header(response, "x-gatehouse-tools-ranking"));
        Assert.Equal(body.Replace("fake-model", "upstream-model", StringComparison.Ordinal), Assert.Single(_upstream.Received).Body);
        Assert.DoesNotContain(await server.WaitForRecordsAsync(1), r => r.Endpoint == "embeddings");
    }

    [Fact]
    public async Task WithoutEmbeddingModel_TheFlatFieldKeepsTheClientsFirstTools()
    {
        await using var server = await GatehouseServer.StartAsync(_upstream.Config(extra: """, "Tools": { "Prefilter": true, "MinTools": 3, "MaxTools": 3, "MinSavedTokens": 0 }"""));
        using var client = server.CreateClient();

        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body(MessageLikeLastTool())), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("lexical", Header(response, "x-gatehouse-tools-ranking"));
        Assert.Equal([.. Names.Take(3), "search_tools"], SentToolNames(Assert.Single(_upstream.Received)));
        Assert.DoesNotContain(await server.WaitForRecordsAsync(1), r => r.Endpoint == "embeddings");
    }

    [Fact]
    public async Task LocalMiniLM_KeepsTheToolTheMessageMeans_WhereItSharesNoWordWithIt()
    {
        // No word of the message is in any tool, so lexically the field is flat and the client's first
        // three go; the in-process model knows an umbrella is about the weather.
        (string Name, string Description, string Parameter)[] tools =
        [
            ("send_email", "Sends an email message to a recipient.", "recipient"),
            ("convert_currency", "Converts an amount between currencies.", "amount"),
            ("translate_text", "Translates text into another language.", "text"),
            ("play_music", "Plays a song or a playlist.", "song"),
            ("create_invoice", "Creates an invoice for a customer.", "customer"),
            ("get_forecast", "Weather forecast: rain, wind and temperature for a city.", "city"),
        ];
        var body = $$"""{"model":"fake-model","messages":[{"role":"user","content":"Will I need an umbrella when I visit Lyon on Saturday?"}],"tools":[{{string.Join(",", tools.Select(t => ToolCatalog.Definition(t.Name, t.Description, t.Parameter)))}}]}""";

        foreach (var (embeddingModel, ranking) in new[] { ("", "lexical"), ("local-minilm", "lexical+embedding") })
        {
            _upstream.Received.Clear();
            await using var server = await StartAsync(embeddingModel, embeddingTimeoutMs: "30000");
            using var client = server.CreateClient();

            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(ranking, Header(response, "x-gatehouse-tools-ranking"));
            var sent = SentToolNames(Assert.Single(_upstream.Received));
            Assert.Equal(4, sent.Length);
            Assert.Equal(embeddingModel.Length > 0, sent.Contains("get_forecast"));
        }
    }

    [Fact]
    public async Task LocalMiniLM_LeavesAJapaneseRequestToTheLexicalRanker()
    {
        // all-MiniLM-L6-v2 reads English: for this request it ranks get_weather fifth of six, and at
        // the default weight that would outvote the lexical match (天気) that finds it.
        (string Name, string Description, string Parameter)[] tools =
        [
            ("translate_text", "テキストを翻訳します。", "text"),
            ("send_email", "メールを送信します。", "to"),
            ("play_music", "音楽を再生します。", "song"),
            ("convert_currency", "通貨を換算します。", "amount"),
            ("book_flight", "航空券を予約します。", "from"),
            ("get_weather", "指定した都市の天気予報を取得します。", "city"),
        ];
        var body = $$"""{"model":"fake-model","messages":[{"role":"user","content":"明日の東京の天気を教えて"}],"tools":[{{string.Join(",", tools.Select(t => ToolCatalog.Definition(t.Name, t.Description, t.Parameter)))}}]}""";
        await using var server = await StartAsync("local-minilm", embeddingTimeoutMs: "30000");
        using var client = server.CreateClient();

        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("lexical", Header(response, "x-gatehouse-tools-ranking"));
        Assert.Contains("get_weather", SentToolNames(Assert.Single(_upstream.Received)));
        Assert.DoesNotContain(await server.WaitForRecordsAsync(1), r => r.Endpoint == "embeddings");
    }

    [Fact]
    public async Task ToolsAreEmbeddedOncePerDefinition_AndMessagesOncePerText_AsTheCallersEmbeddingCalls()
    {
        await using var server = await StartAsync("sim-embedding");
        using var client = server.CreateClient();

        // The second call repeats the first's message, as each step of an agent's tool loop does; the third is new.
        foreach (var message in new[] { "run the job please", "run the job please", "now please run a different and longer job for me" })
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body(message)), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("lexical+embedding", Header(response, "x-gatehouse-tools-ranking"));
        }

        var embeddings = (await server.WaitForRecordsAsync(6)).Where(r => r.Endpoint == "embeddings").ToList();
        Assert.All(embeddings, r => Assert.Equal("master", r.KeyId));
        Assert.All(embeddings, r => Assert.Equal("sim-embedding", r.RequestedModel));
        Assert.All(embeddings, r => Assert.True(r.CostUsd > 0));

        // One call per distinct message, and one fill for the six tools.
        var counter = global::Gatehouse.Usage.TiktokenTokenCounter.Instance;
        Assert.Equal(3, embeddings.Count);
        Assert.Single(embeddings, r => r.InputTokens == counter.CountTokens("run the job please", TestContext.Current.CancellationToken));
        Assert.Single(embeddings, r => r.InputTokens == counter.CountTokens("now please run a different and longer job for me", TestContext.Current.CancellationToken));
        Assert.Single(embeddings, r => r.InputTokens > counter.CountTokens("run the job please", TestContext.Current.CancellationToken) * 6); // the fill
    }

    [Fact]
    public async Task ToolsTooSlowToEmbedWithinTheTimeout_AreStillCached_ForTheNextCall()
    {
        // The message embeds at once; the tools take longer than the call may wait.
        _upstream.Handler = async (context, request) =>
        {
            if (!request.PathAndQuery.EndsWith("/embeddings", StringComparison.Ordinal))
            {
                await FakeResponses.WriteChatCompletionAsync(context);
                return;
            }

            var inputs = JsonDocument.Parse(request.Body).RootElement.GetProperty("input").GetArrayLength();
            if (inputs > 1)
            {
                await Task.Delay(1500, context.RequestAborted);
            }

            var data = string.Join(",", Enumerable.Range(0, inputs).Select(i => $$"""{"object":"embedding","index":{{i}},"embedding":[{{i + 1}},1,0]}"""));
            await FakeResponses.WriteChatCompletionAsync(context, $$$"""{"object":"list","data":[{{{data}}}],"model":"upstream-embedding","usage":{"prompt_tokens":{{{inputs}}},"total_tokens":{{{inputs}}}}}""");
        };
        var logs = new FakeLogCollector();
        await using var server = await StartAsync("fake-embedder", embeddingTimeoutMs: "300", configure: b => b.Logging.AddProvider(new FakeLoggerProvider(logs)));
        using var client = server.CreateClient();

        using (var first = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body("run the job please")), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
            Assert.Equal("lexical", Header(first, "x-gatehouse-tools-ranking"));
        }

        Assert.Contains(logs.GetSnapshot(), l => l.Id.Id == 1801);
        var fill = Assert.Single(await server.WaitForRecordsAsync(3), r => r.Endpoint == "embeddings" && r.InputTokens == Names.Length);
        Assert.Equal(200, fill.StatusCode);

        using (var second = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body("run the job please")), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, second.StatusCode);
            Assert.Equal("lexical+embedding", Header(second, "x-gatehouse-tools-ranking"));
        }

        var embeddingInputs = _upstream.Received.Where(r => r.PathAndQuery.EndsWith("/embeddings", StringComparison.Ordinal))
            .Select(r => JsonDocument.Parse(r.Body).RootElement.GetProperty("input").GetArrayLength()).Order().ToArray();
        Assert.Equal([1, Names.Length], embeddingInputs); // the tools were embedded once, and the repeated message once
    }

    [Fact]
    public async Task ALongToolList_IsEmbeddedInChunks_AndNotAgain()
    {
        var names = Enumerable.Range(0, ToolEmbedder.FillChunkSize + 44).Select(i => $"tool_{i}").ToArray();
        var body = $$"""{"model":"fake-model","messages":[{"role":"user","content":"run the job please"}],"tools":[{{string.Join(",", names.Select(n => ToolCatalog.Definition(n, "Runs the job " + n + ".", "input")))}}]}""";
        await using var server = await StartAsync("sim-embedding");
        using var client = server.CreateClient();

        for (var call = 0; call < 2; call++)
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("lexical+embedding", Header(response, "x-gatehouse-tools-ranking"));
        }

        // The message once, the tools in two calls (256 + 44); the second chat call needed nothing.
        var records = await server.WaitForRecordsAsync(5);
        Assert.Equal(2, records.Count(r => r.Endpoint == "chat.completions"));
        Assert.Equal(3, records.Count(r => r.Endpoint == "embeddings"));
    }

    [Fact]
    public async Task AToolFillTheProviderRefuses_IsNotResentByEveryCall()
    {
        // The message embeds; the tools are refused (a 400, which no circuit breaker counts).
        _upstream.Handler = (context, request) =>
        {
            if (!request.PathAndQuery.EndsWith("/embeddings", StringComparison.Ordinal))
            {
                return FakeResponses.WriteChatCompletionAsync(context);
            }

            return JsonDocument.Parse(request.Body).RootElement.GetProperty("input").GetArrayLength() > 1
                ? FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"too many inputs","type":"invalid_request_error"}}""", 400)
                : FakeResponses.WriteChatCompletionAsync(context, """{"object":"list","data":[{"object":"embedding","index":0,"embedding":[1,0,0]}],"model":"upstream-embedding","usage":{"prompt_tokens":1,"total_tokens":1}}""");
        };
        await using var server = await StartAsync("fake-embedder");
        using var client = server.CreateClient();

        for (var call = 0; call < 3; call++)
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body("run the job please")), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("lexical", Header(response, "x-gatehouse-tools-ranking"));
        }

        var fills = _upstream.Received.Count(r => r.PathAndQuery.EndsWith("/embeddings", StringComparison.Ordinal) && JsonDocument.Parse(r.Body).RootElement.GetProperty("input").GetArrayLength() > 1);
        Assert.Equal(1, fills);
    }

    [Fact]
    public async Task FailingEmbeddings_FallBackToLexicalRanking_WithAWarning()
    {
        _upstream.Handler = (context, request) => request.PathAndQuery.EndsWith("/embeddings", StringComparison.Ordinal)
            ? FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"boom","type":"server_error"}}""", 500)
            : FakeResponses.WriteChatCompletionAsync(context);
        var logs = new FakeLogCollector();
        await using var server = await StartAsync("fake-embedder", configure: b => b.Logging.AddProvider(new FakeLoggerProvider(logs)));
        using var client = server.CreateClient();

        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body(MessageLikeLastTool())), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("lexical", Header(response, "x-gatehouse-tools-ranking"));
        var chat = Assert.Single(_upstream.Received, r => r.PathAndQuery.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal([.. Names.Take(3), "search_tools"], SentToolNames(chat));
        Assert.Contains(logs.GetSnapshot(), l => l.Id.Id == 1802 && l.Level == LogLevel.Warning);
        Assert.Contains(await server.WaitForRecordsAsync(2), r => r.Endpoint == "embeddings" && r.StatusCode >= 500);
    }

    [Fact]
    public async Task HangingEmbeddings_TimeOut_AndTheCallIsRankedLexically()
    {
        _upstream.Handler = async (context, request) =>
        {
            if (request.PathAndQuery.EndsWith("/embeddings", StringComparison.Ordinal))
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }

            await FakeResponses.WriteChatCompletionAsync(context);
        };
        var logs = new FakeLogCollector();
        await using var server = await StartAsync("fake-embedder", embeddingTimeoutMs: "50", configure: b => b.Logging.AddProvider(new FakeLoggerProvider(logs)));
        using var client = server.CreateClient();

        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Body(MessageLikeLastTool())), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("lexical", Header(response, "x-gatehouse-tools-ranking"));
        Assert.Contains(logs.GetSnapshot(), l => l.Id.Id == 1801);
    }
}
