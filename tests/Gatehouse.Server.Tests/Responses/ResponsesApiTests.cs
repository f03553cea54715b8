using System.ClientModel;
using System.Net;
using System.Text;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.AI;
using OpenAI.Responses;
using Xunit;

// The SDK marks its Responses client as evaluation-only (OPENAI001); it is what SDK users call.
#pragma warning disable OPENAI001

namespace Gatehouse.Tests.Responses;

/// <summary>
/// <c>POST /v1/responses</c> translated onto chat completions (the simulator), called through the
/// official OpenAI .NET SDK's Responses client: plain, streamed, function tools and a tool loop,
/// structured output, and refusals by name in OpenAI's error shape.
/// </summary>
public sealed class ResponsesApiTests : IAsyncLifetime
{
    private const string WeatherSchema = """{"type":"object","properties":{"city":{"type":"string"}},"required":["city"],"additionalProperties":false}""";

    private GatehouseServer _server = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task Sdk_CreateResponse_ReturnsTextAndUsage()
    {
        var client = Sdk.OpenAI(_server).GetResponsesClient();

        ResponseResult response = await client.CreateResponseAsync(
            new CreateResponseOptions { Model = "sim-small", Instructions = "Be brief.", InputItems = { ResponseItem.CreateUserMessageItem("Tell me about gardens.") }, MaxOutputTokenCount = 40 }, Ct);

        Assert.StartsWith("resp_", response.Id);
        Assert.Equal("sim-small", response.Model);
        Assert.False(string.IsNullOrEmpty(response.GetOutputText()));
        Assert.InRange(response.Usage.OutputTokenCount, 1, 40);
        Assert.True(response.Usage.InputTokenCount > 0);
        Assert.Equal(response.Usage.InputTokenCount + response.Usage.OutputTokenCount, response.Usage.TotalTokenCount);
        Assert.True(response.Status is ResponseStatus.Completed or ResponseStatus.Incomplete);
    }

    [Fact]
    public async Task Sdk_StreamedResponse_DeltasAddUpToTheCompletedText()
    {
        var client = Sdk.OpenAI(_server).GetResponsesClient();
        var deltas = new StringBuilder();
        ResponseResult? completed = null;
        var kinds = new List<string>();

        await foreach (var update in client.CreateResponseStreamingAsync(
            new CreateResponseOptions { Model = "sim-small", StreamingEnabled = true, InputItems = { ResponseItem.CreateUserMessageItem("Tell me about rivers.") } }, Ct))
        {
            kinds.Add(update.GetType().Name);
            switch (update)
            {
                case StreamingResponseOutputTextDeltaUpdate delta:
                    deltas.Append(delta.Delta);
                    break;
                case StreamingResponseCompletedUpdate done:
                    completed = done.Response;
                    break;
            }
        }

        Assert.NotNull(completed);
        Assert.Equal(nameof(StreamingResponseCreatedUpdate), kinds[0]);
        Assert.Equal(nameof(StreamingResponseInProgressUpdate), kinds[1]);
        Assert.Contains(nameof(StreamingResponseOutputItemAddedUpdate), kinds);
        Assert.Contains(nameof(StreamingResponseContentPartAddedUpdate), kinds);
        Assert.Contains(nameof(StreamingResponseOutputTextDoneUpdate), kinds);
        Assert.Contains(nameof(StreamingResponseOutputItemDoneUpdate), kinds);
        Assert.Equal(nameof(StreamingResponseCompletedUpdate), kinds[^1]);
        Assert.Equal(deltas.ToString(), completed.GetOutputText());
        Assert.True(completed.Usage.OutputTokenCount > 0);
    }

    [Fact]
    public async Task Sdk_FunctionTool_TwoTurnLoop_WithFunctionCallOutput()
    {
        var client = Sdk.OpenAI(_server).GetResponsesClient();
        var tool = ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString(WeatherSchema), strictModeEnabled: true, "The weather in a city");
        var first = new CreateResponseOptions { Model = "sim-small", InputItems = { ResponseItem.CreateUserMessageItem("Weather in Paris?") }, Tools = { tool }, ToolChoice = ResponseToolChoice.CreateRequiredChoice() };

        ResponseResult response = await client.CreateResponseAsync(first, Ct);

        var call = Assert.IsType<FunctionCallResponseItem>(Assert.Single(response.OutputItems, static i => i is FunctionCallResponseItem));
        Assert.Equal("get_weather", call.FunctionName);
        Assert.Equal(JsonValueKind.String, JsonDocument.Parse(call.FunctionArguments).RootElement.GetProperty("city").ValueKind);

        var second = new CreateResponseOptions { Model = "sim-small", Tools = { tool } };
        second.InputItems.Add(ResponseItem.CreateUserMessageItem("Weather in Paris?"));
        second.InputItems.Add(call);
        second.InputItems.Add(ResponseItem.CreateFunctionCallOutputItem(call.CallId, """{"temperature":21}"""));
        ResponseResult answer = await client.CreateResponseAsync(second, Ct);

        Assert.False(string.IsNullOrEmpty(answer.GetOutputText()));
    }

    [Fact]
    public async Task ExtensionsAI_ChatClientOverResponses_WorksPlainAndStreaming()
    {
        IChatClient client = Sdk.OpenAI(_server).GetResponsesClient().AsIChatClient("sim-small");

        var response = await client.GetResponseAsync("Say something.", cancellationToken: Ct);
        Assert.False(string.IsNullOrWhiteSpace(response.Text));
        Assert.True(response.Usage?.InputTokenCount > 0);

        var streamed = new StringBuilder();
        await foreach (var update in client.GetStreamingResponseAsync("Say something else.", cancellationToken: Ct))
        {
            streamed.Append(update.Text);
        }

        Assert.True(streamed.Length > 0);
    }

    /// <summary>
    /// Microsoft.Extensions.AI's function-invocation loop over the Responses client: the tool runs
    /// in the test, its result goes back as a function_call_output, and the final answer is text.
    /// </summary>
    [Fact]
    public async Task ExtensionsAI_FunctionInvocationLoop_OverResponses()
    {
        var calls = 0;
        var weather = AIFunctionFactory.Create((string city) => { calls++; return $"21 C in {city}"; }, "get_weather", "The weather in a city");
        IChatClient client = new ChatClientBuilder(Sdk.OpenAI(_server).GetResponsesClient().AsIChatClient("sim-small")).UseFunctionInvocation().Build();

        var response = await client.GetResponseAsync(
            "Weather in Paris?", new ChatOptions { Tools = [weather], ToolMode = ChatToolMode.RequireAny, MaxOutputTokens = 40 }, Ct);

        Assert.True(calls >= 1);
        Assert.Contains(response.Messages, static m => m.Contents.OfType<FunctionResultContent>().Any());
    }

    /// <summary>What a chat-completions upstream receives for a Responses body with every translated field.</summary>
    [Fact]
    public async Task TheChatUpstream_ReceivesTheTranslation()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        await using var server = await GatehouseServer.StartAsync(upstream.Config());
        using var client = server.CreateClient();
        var body = """
            {"model":"fake-model","instructions":"Be brief.","input":[
              {"role":"user","content":[{"type":"input_text","text":"Weather?"},{"type":"input_image","image_url":"https://example.com/a.png","detail":"low"}]},
              {"type":"function_call","call_id":"call_1","name":"get_weather","arguments":"{\"city\":\"Paris\"}"},
              {"type":"reasoning","id":"rs_1","summary":[]},
              {"type":"function_call_output","call_id":"call_1","output":"21 C"}],
             "tools":[{"type":"function","name":"get_weather","parameters":{"type":"object"},"strict":true}],
             "tool_choice":{"type":"function","name":"get_weather"},"parallel_tool_calls":false,
             "text":{"format":{"type":"json_schema","name":"w","schema":{"type":"object"},"strict":true},"verbosity":"low"},
             "max_output_tokens":100,"temperature":0.5,"top_p":0.9,"reasoning":{"effort":"low","summary":"auto"},
             "metadata":{"team":"a"},"store":false,"user":"u1","safety_identifier":"s1","prompt_cache_key":"k1","include":["reasoning.encrypted_content"]}
            """;

        using var response = await client.PostAsync("v1/responses", GatehouseServer.Json(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Received).Body).RootElement;
        var messages = sent.GetProperty("messages");
        Assert.Equal(4, messages.GetArrayLength());
        Assert.Equal("system", messages[0].GetProperty("role").GetString());
        Assert.Equal("Be brief.", messages[0].GetProperty("content").GetString());
        Assert.Equal("image_url", messages[1].GetProperty("content")[1].GetProperty("type").GetString());
        Assert.Equal("low", messages[1].GetProperty("content")[1].GetProperty("image_url").GetProperty("detail").GetString());
        Assert.Equal("call_1", messages[2].GetProperty("tool_calls")[0].GetProperty("id").GetString());
        Assert.Equal("tool", messages[3].GetProperty("role").GetString());
        Assert.Equal("call_1", messages[3].GetProperty("tool_call_id").GetString());
        Assert.Equal("get_weather", sent.GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("get_weather", sent.GetProperty("tool_choice").GetProperty("function").GetProperty("name").GetString());
        Assert.False(sent.GetProperty("parallel_tool_calls").GetBoolean());
        Assert.Equal("json_schema", sent.GetProperty("response_format").GetProperty("type").GetString());
        Assert.Equal("w", sent.GetProperty("response_format").GetProperty("json_schema").GetProperty("name").GetString());
        Assert.Equal("low", sent.GetProperty("verbosity").GetString());
        Assert.Equal(100, sent.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("low", sent.GetProperty("reasoning_effort").GetString());
        Assert.Equal("s1", sent.GetProperty("safety_identifier").GetString());
        Assert.Equal("k1", sent.GetProperty("prompt_cache_key").GetString());
        Assert.False(sent.TryGetProperty("metadata", out _)); // kept by Gatehouse, echoed on the response
        var answer = JsonDocument.Parse(text).RootElement;
        Assert.Equal("fake-model", answer.GetProperty("model").GetString());
        Assert.Equal("a", answer.GetProperty("metadata").GetProperty("team").GetString());
        Assert.False(answer.GetProperty("store").GetBoolean());
        Assert.Equal("message", answer.GetProperty("output")[0].GetProperty("type").GetString());
    }

    [Fact]
    public async Task Sdk_StreamedFunctionCall_ArgumentsDeltasAddUp()
    {
        var client = Sdk.OpenAI(_server).GetResponsesClient();
        var tool = ResponseTool.CreateFunctionTool("get_weather", BinaryData.FromString(WeatherSchema), strictModeEnabled: true, "The weather in a city");
        var arguments = new StringBuilder();
        StreamingResponseFunctionCallArgumentsDoneUpdate? done = null;

        await foreach (var update in client.CreateResponseStreamingAsync(
            new CreateResponseOptions { Model = "sim-small", StreamingEnabled = true, InputItems = { ResponseItem.CreateUserMessageItem("Weather in Rome?") }, Tools = { tool }, ToolChoice = ResponseToolChoice.CreateRequiredChoice() }, Ct))
        {
            if (update is StreamingResponseFunctionCallArgumentsDeltaUpdate delta)
            {
                arguments.Append(delta.Delta.ToString());
            }
            else if (update is StreamingResponseFunctionCallArgumentsDoneUpdate d)
            {
                done = d;
            }
        }

        Assert.NotNull(done);
        Assert.Equal(arguments.ToString(), done.FunctionArguments.ToString());
        Assert.Equal(JsonValueKind.String, JsonDocument.Parse(done.FunctionArguments.ToString()).RootElement.GetProperty("city").ValueKind);
    }

    [Fact]
    public async Task Sdk_JsonSchemaOutput_ParsesAndFitsTheSchema()
    {
        var client = Sdk.OpenAI(_server).GetResponsesClient();
        var options = new CreateResponseOptions
        {
            Model = "sim-small",
            InputItems = { ResponseItem.CreateUserMessageItem("Pick a city.") },
            TextOptions = new ResponseTextOptions { TextFormat = ResponseTextFormat.CreateJsonSchemaFormat("city", BinaryData.FromString(WeatherSchema), jsonSchemaIsStrict: true) },
        };

        ResponseResult response = await client.CreateResponseAsync(options, Ct);

        var city = JsonDocument.Parse(response.GetOutputText()).RootElement.GetProperty("city");
        Assert.Equal(JsonValueKind.String, city.ValueKind);
    }

    [Theory]
    [InlineData("""{"model":"sim-small","input":"hi","tools":[{"type":"web_search"}]}""", "tools[0].type", "web_search")]
    [InlineData("""{"model":"sim-small","input":"hi","tools":[{"type":"file_search","vector_store_ids":["vs_1"]}]}""", "tools[0].type", "file_search")]
    [InlineData("""{"model":"sim-small","input":"hi","tools":[{"type":"computer_use_preview","display_width":1,"display_height":1,"environment":"linux"}]}""", "tools[0].type", "computer_use_preview")]
    [InlineData("""{"model":"sim-small","input":"hi","frobnicate":true}""", "frobnicate", "frobnicate")]
    [InlineData("""{"model":"sim-small","input":"hi","background":true}""", "background", "background")]
    [InlineData("""{"model":"sim-small","input":"hi","previous_response_id":"resp_1"}""", "previous_response_id", "previous_response_id")]
    [InlineData("""{"model":"sim-small","input":[{"type":"item_reference","id":"msg_1"}]}""", "input[0].type", "item_reference")]
    [InlineData("""{"model":"sim-small","input":[{"role":"user","content":[{"type":"input_image","file_id":"file_1"}]}]}""", "input[0].content[0].file_id", "file_id")]
    public async Task WhatCannotBeHonoured_Is400NamingIt(string body, string param, string named)
    {
        using var client = _server.CreateClient();

        using var response = await client.PostAsync("v1/responses", GatehouseServer.Json(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        var error = JsonDocument.Parse(text).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.Contains(named, error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"input":"hi"}""", "model")]
    [InlineData("""{"model":"sim-small"}""", "input")]
    [InlineData("""{"model":"sim-small","input":42}""", "input")]
    [InlineData("""{"model":"sim-small","input":[]}""", "input")]
    [InlineData("""{"model":"sim-small","input":[7]}""", "input[0]")]
    [InlineData("""{"model":"sim-small","input":[{"role":"robot","content":"x"}]}""", "input[0].role")]
    [InlineData("""{"model":"sim-small","input":"hi","temperature":"hot"}""", "temperature")]
    [InlineData("""{"model":"sim-small","input":"hi","temperature":1e308}""", "temperature")]
    [InlineData("""{"model":"sim-small","input":"hi","max_output_tokens":-1}""", "max_output_tokens")]
    [InlineData("""{"model":"sim-small","input":"hi","stream":"yes"}""", "stream")]
    [InlineData("""{"model":"sim-small","input":"hi","text":{"format":{"type":"json_schema"}}}""", "text.format.name")]
    [InlineData("""{"model":"sim-small","input":"hi","tool_choice":{"type":"function","name":"f"}}""", "tool_choice")]
    [InlineData("""{"model":"sim-small","input":[{"type":"function_call_output","output":"x"}]}""", "input[0].call_id")]
    public async Task HostileInput_IsA400NamingTheField(string body, string param)
    {
        using var client = _server.CreateClient();

        using var response = await client.PostAsync("v1/responses", GatehouseServer.Json(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{(int)response.StatusCode}: {text}");
        Assert.Equal(param, JsonDocument.Parse(text).RootElement.GetProperty("error").GetProperty("param").GetString());
    }

    [Fact]
    public async Task Sdk_UnknownModel_IsTheSdksTypedError()
    {
        var client = Sdk.OpenAI(_server).GetResponsesClient();

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CreateResponseAsync(
            new CreateResponseOptions { Model = "no-such-model", InputItems = { ResponseItem.CreateUserMessageItem("hi") } }, Ct));

        Assert.Equal(404, error.Status);
        Assert.Contains("no-such-model", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEmbeddingModel_Is404NamingBothEndpoints()
    {
        using var client = _server.CreateClient();

        using var response = await client.PostAsync("v1/responses", GatehouseServer.Json("""{"model":"sim-embedding","input":"hi"}"""), Ct);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("error");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("model", error.GetProperty("param").GetString());
        Assert.Contains("not supported on /v1/responses; call it on /v1/embeddings", error.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCall_IsRecordedAsEndpointResponses()
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/responses", GatehouseServer.Json("""{"model":"sim-small","input":"hi"}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var id = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!;

        var requestId = Guid.ParseExact(id["resp_".Length..], "N");
        Assert.True(await ReplicaPair.EventuallyAsync(async () => (await client.GetAsync($"api/requests/{requestId}", Ct)).StatusCode == HttpStatusCode.OK, TimeSpan.FromSeconds(10)));
        var record = JsonDocument.Parse(await client.GetStringAsync($"api/requests/{requestId}", Ct)).RootElement;
        Assert.Equal("responses", record.GetProperty("endpoint").GetString());
        Assert.True(record.GetProperty("outputTokens").GetInt32() > 0);
    }
}
