using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Anthropic.Upstream;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Upstream;

public sealed class AnthropicRequestTranslatorTests
{
    private static AnthropicTranslatedRequest Run(string body, int defaultMaxTokens = 4096) =>
        AnthropicRequestTranslator.Translate(Encoding.UTF8.GetBytes(body), defaultMaxTokens);

    private static JsonNode Translate(string body, int defaultMaxTokens = 4096)
    {
        var result = Run(body, defaultMaxTokens);
        Assert.Null(result.Error);
        return JsonNode.Parse(result.Body)!;
    }

    private static void AssertJson(string expected, JsonNode? actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"expected {expected}\n  actual {actual?.ToJsonString()}");

    private static string Chat(string messages, string extra = "") => $$"""{"model":"claude-up","messages":{{messages}}{{extra}}}""";

    [Fact]
    public void PlainRequest_MapsModelMessagesAndDefaultMaxTokens()
    {
        var body = Translate(Chat("""[{"role":"user","content":"Hi"}]"""), defaultMaxTokens: 1234);

        AssertJson("""{"model":"claude-up","messages":[{"role":"user","content":[{"type":"text","text":"Hi"}]}],"max_tokens":1234}""", body);
    }

    [Fact]
    public void SystemAndDeveloperMessages_BecomeTopLevelSystemBlocks_InOrder()
    {
        var body = Translate(Chat("""
            [{"role":"system","content":"Be brief."},
             {"role":"user","content":"Hi"},
             {"role":"developer","content":[{"type":"text","text":"Answer in French."},{"type":"text","text":"No emoji."}]}]
            """));

        AssertJson("""[{"type":"text","text":"Be brief."},{"type":"text","text":"Answer in French."},{"type":"text","text":"No emoji."}]""", body["system"]);
        AssertJson("""[{"role":"user","content":[{"type":"text","text":"Hi"}]}]""", body["messages"]);
    }

    [Fact]
    public void SingleSystemMessage_IsAString()
    {
        var body = Translate(Chat("""[{"role":"system","content":"Be brief."},{"role":"user","content":"Hi"}]"""));

        Assert.Equal("Be brief.", body["system"]!.GetValue<string>());
    }

    [Fact]
    public void UserParts_TextDataUrlImageAndHttpImage_BecomeAnthropicBlocks()
    {
        var body = Translate(Chat("""
            [{"role":"user","content":[
              {"type":"text","text":"What is in these?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo=","detail":"high"}},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}}]}]
            """));

        AssertJson("""
            [{"type":"text","text":"What is in these?"},
             {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
             {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}}]
            """, body["messages"]![0]!["content"]);
    }

    [Theory]
    [InlineData("ftp://example.com/cat.jpg")]
    [InlineData("data:image/png,notbase64")]
    public void ImageWithUnusableUrl_Is400_NamingThePart(string url)
    {
        var result = Run(Chat($$$"""[{"role":"user","content":[{"type":"text","text":"x"},{"type":"image_url","image_url":{"url":"{{{url}}}"}}]}]"""));

        Assert.Equal(400, result.Error!.StatusCode);
        Assert.Equal("messages[0].content[1].image_url.url", result.Error.Param);
        Assert.Null(result.Body);
    }

    [Fact]
    public void AssistantToolCalls_BecomeToolUse_AndToolResultsMergeIntoOneUserTurn()
    {
        var body = Translate(Chat("""
            [{"role":"user","content":"Weather in Paris and Rome?"},
             {"role":"assistant","content":"Checking.","tool_calls":[
               {"id":"call_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
               {"id":"call_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\"}"}}]},
             {"role":"tool","tool_call_id":"call_1","content":"18C"},
             {"role":"tool","tool_call_id":"call_2","content":[{"type":"text","text":"21C"}]},
             {"role":"user","content":"And tomorrow?"}]
            """));

        AssertJson("""
            [{"role":"user","content":[{"type":"text","text":"Weather in Paris and Rome?"}]},
             {"role":"assistant","content":[
               {"type":"text","text":"Checking."},
               {"type":"tool_use","id":"call_1","name":"get_weather","input":{"city":"Paris"}},
               {"type":"tool_use","id":"call_2","name":"get_weather","input":{"city":"Rome"}}]},
             {"role":"user","content":[
               {"type":"tool_result","tool_use_id":"call_1","content":"18C"},
               {"type":"tool_result","tool_use_id":"call_2","content":[{"type":"text","text":"21C"}]},
               {"type":"text","text":"And tomorrow?"}]}]
            """, body["messages"]);
    }

    [Fact]
    public void AssistantWithNullContentAndEmptyArguments_WritesOnlyToolUseWithEmptyInput()
    {
        var body = Translate(Chat("""
            [{"role":"user","content":"Time?"},
             {"role":"assistant","content":null,"tool_calls":[{"id":"call_1","type":"function","function":{"name":"now","arguments":""}}]}]
            """));

        AssertJson("""[{"type":"tool_use","id":"call_1","name":"now","input":{}}]""", body["messages"]![1]!["content"]);
    }

    [Fact]
    public void ConsecutiveSameRoleMessages_AreMerged_SoRolesAlternate()
    {
        var body = Translate(Chat("""
            [{"role":"user","content":"one"},{"role":"user","content":"two"},
             {"role":"assistant","content":"three"},{"role":"assistant","content":"four"}]
            """));

        AssertJson("""
            [{"role":"user","content":[{"type":"text","text":"one"},{"type":"text","text":"two"}]},
             {"role":"assistant","content":[{"type":"text","text":"three"},{"type":"text","text":"four"}]}]
            """, body["messages"]);
    }

    [Theory]
    [InlineData("{\\\"city\\\":")]
    [InlineData("[1,2]")]
    public void ToolCallArgumentsNotAJsonObject_Is400_NamingTheArguments(string arguments)
    {
        var result = Run(Chat($$$"""
            [{"role":"user","content":"x"},
             {"role":"assistant","tool_calls":[{"id":"call_1","type":"function","function":{"name":"f","arguments":"{{{arguments}}}"}}]}]
            """));

        Assert.Equal(400, result.Error!.StatusCode);
        Assert.Equal("invalid_request_error", result.Error.Type);
        Assert.Equal("messages[1].tool_calls[0].function.arguments", result.Error.Param);
    }

    [Fact]
    public void Tools_MapNameDescriptionAndParameters_ToInputSchema()
    {
        var body = Translate(Chat("""[{"role":"user","content":"x"}]""", """
            ,"tools":[
              {"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"strict":true}},
              {"type":"function","function":{"name":"now"}}]
            """));

        AssertJson("""
            [{"name":"get_weather","description":"Weather for a city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
             {"name":"now","input_schema":{"type":"object"}}]
            """, body["tools"]);
        Assert.Null(body["tool_choice"]);
    }

    [Theory]
    [InlineData("\"auto\"", "", """{"type":"auto"}""")]
    [InlineData("\"required\"", "", """{"type":"any"}""")]
    [InlineData("\"none\"", "", """{"type":"none"}""")]
    [InlineData("""{"type":"function","function":{"name":"f"}}""", "", """{"type":"tool","name":"f"}""")]
    [InlineData("\"auto\"", ",\"parallel_tool_calls\":false", """{"type":"auto","disable_parallel_tool_use":true}""")]
    [InlineData("\"required\"", ",\"parallel_tool_calls\":false", """{"type":"any","disable_parallel_tool_use":true}""")]
    [InlineData("""{"type":"function","function":{"name":"f"}}""", ",\"parallel_tool_calls\":false", """{"type":"tool","name":"f","disable_parallel_tool_use":true}""")]
    [InlineData("\"none\"", ",\"parallel_tool_calls\":false", """{"type":"none"}""")]
    [InlineData("null", ",\"parallel_tool_calls\":false", """{"type":"auto","disable_parallel_tool_use":true}""")]
    [InlineData("\"auto\"", ",\"parallel_tool_calls\":true", """{"type":"auto"}""")]
    public void ToolChoice_Maps(string toolChoice, string extra, string expected)
    {
        var body = Translate(Chat("""[{"role":"user","content":"x"}]""", ""","tools":[{"type":"function","function":{"name":"f","parameters":{"type":"object"}}}],"tool_choice":""" + toolChoice + extra));

        AssertJson(expected, body["tool_choice"]);
    }

    [Fact]
    public void ToolChoice_WithoutTools_IsDropped()
    {
        var body = Translate(Chat("""[{"role":"user","content":"x"}]""", ""","tool_choice":"none","parallel_tool_calls":false"""));

        Assert.Null(body["tool_choice"]);
        Assert.Null(body["tools"]);
    }

    [Fact]
    public void NonFunctionTool_Is400()
    {
        var result = Run(Chat("""[{"role":"user","content":"x"}]""", ""","tools":[{"type":"custom","custom":{"name":"grammar"}}]"""));

        Assert.Equal("tools[0].type", result.Error!.Param);
    }

    [Theory]
    [InlineData("\"END\"", """["END"]""")]
    [InlineData("""["a","b"]""", """["a","b"]""")]
    public void Stop_BecomesStopSequences(string stop, string expected)
    {
        var body = Translate(Chat("""[{"role":"user","content":"x"}]""", $""","stop":{stop}"""));

        AssertJson(expected, body["stop_sequences"]);
        Assert.Null(body["stop"]);
    }

    [Theory]
    [InlineData("", 4096)]
    [InlineData(",\"max_tokens\":100", 100)]
    [InlineData(",\"max_completion_tokens\":200", 200)]
    [InlineData(",\"max_tokens\":100,\"max_completion_tokens\":200", 200)]
    [InlineData(",\"max_tokens\":null", 4096)]
    public void MaxTokens_FromEitherField_OrTheDefault(string extra, int expected)
    {
        var body = Translate(Chat("""[{"role":"user","content":"x"}]""", extra));

        Assert.Equal(expected, body["max_tokens"]!.GetValue<int>());
        Assert.Null(body["max_completion_tokens"]);
    }

    [Theory]
    [InlineData("0.7", 0.7)]
    [InlineData("0", 0)]
    [InlineData("1", 1)]
    [InlineData("1.5", 1)]
    [InlineData("2", 1)]
    public void Temperature_IsClampedToAnthropicsRange(string temperature, double expected)
    {
        var body = Translate(Chat("""[{"role":"user","content":"x"}]""", $""","temperature":{temperature}"""));

        Assert.Equal(expected, body["temperature"]!.GetValue<double>());
    }

    [Fact]
    public void TopPStreamUserEffortAndTier_Map_DefaultsOfOpenAIOnlyFieldsAreAccepted()
    {
        var body = Translate(Chat("""[{"role":"user","content":"x"}]""", """
            ,"top_p":0.9,"stream":true,"stream_options":{"include_usage":true},"user":"user-42","safety_identifier":"sid-7",
            "frequency_penalty":0,"presence_penalty":0,"logprobs":false,"logit_bias":{},"store":false,"metadata":{},"modalities":["text"],
            "service_tier":"default","n":1,"reasoning_effort":"low","prompt_cache_key":"k","seed":null
            """));

        Assert.Equal(0.9, body["top_p"]!.GetValue<double>());
        Assert.True(body["stream"]!.GetValue<bool>());
        AssertJson("""{"user_id":"sid-7"}""", body["metadata"]);
        AssertJson("""{"effort":"low"}""", body["output_config"]);
        Assert.Equal("standard_only", body["service_tier"]!.GetValue<string>());
        var names = body.AsObject().Select(p => p.Key).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(["max_tokens", "messages", "metadata", "model", "output_config", "service_tier", "stream", "top_p"], names);
        Assert.True(Run(Chat("""[{"role":"user","content":"x"}]""", ",\"stream\":true")).Stream);
    }

    [Theory]
    [InlineData(""","frequency_penalty":0.5""", "frequency_penalty")]
    [InlineData(""","presence_penalty":0.1""", "presence_penalty")]
    [InlineData(""","seed":7""", "seed")]
    [InlineData(""","logprobs":true""", "logprobs")]
    [InlineData(""","top_logprobs":2""", "top_logprobs")]
    [InlineData(""","logit_bias":{"1":2}""", "logit_bias")]
    [InlineData(""","store":true""", "store")]
    [InlineData(""","metadata":{"a":"b"}""", "metadata")]
    [InlineData(""","modalities":["text","audio"]""", "modalities")]
    [InlineData(""","audio":{"voice":"alloy","format":"mp3"}""", "audio")]
    [InlineData(""","prediction":{"type":"content","content":"x"}""", "prediction")]
    [InlineData(""","web_search_options":{}""", "web_search_options")]
    [InlineData(",\"verbosity\":\"low\"", "verbosity")]
    [InlineData(""","functions":[{"name":"f"}]""", "functions")]
    [InlineData(",\"function_call\":\"auto\"", "function_call")]
    [InlineData(""","x_unknown":1""", "x_unknown")]
    [InlineData(",\"reasoning_effort\":\"minimal\"", "reasoning_effort")]
    [InlineData(""","reasoning_effort":3""", "reasoning_effort")]
    [InlineData(",\"service_tier\":\"flex\"", "service_tier")]
    [InlineData(""","user":5""", "user")]
    public void FieldAnthropicCannotHonour_Is400NamingIt(string extra, string field)
    {
        var result = Run(Chat("""[{"role":"user","content":"x"}]""", extra));

        Assert.Equal(400, result.Error!.StatusCode);
        Assert.Equal(field, result.Error.Param);
        Assert.Contains($"'{field}'", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void JsonSchemaResponseFormat_BecomesAForcedToolWithTheSchema()
    {
        var result = Run(Chat("""[{"role":"user","content":"Who?"}]""", """
            ,"response_format":{"type":"json_schema","json_schema":{"name":"person","strict":true,"schema":{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}}}
            """));
        var body = JsonNode.Parse(result.Body)!;

        Assert.True(result.JsonViaTool);
        Assert.Equal("person", result.JsonToolName);
        Assert.Equal("person", body["tools"]![0]!["name"]!.GetValue<string>());
        AssertJson("""{"type":"object","properties":{"name":{"type":"string"}},"required":["name"]}""", body["tools"]![0]!["input_schema"]);
        AssertJson("""{"type":"tool","name":"person","disable_parallel_tool_use":true}""", body["tool_choice"]);
        Assert.Null(body["response_format"]);
    }

    [Theory]
    [InlineData("""{"type":"json_object"}""")]
    [InlineData("""{"type":"json_schema","json_schema":{"schema":{"type":"object"}}}""")]
    public void JsonResponseFormat_WithoutName_UsesJsonOutputTool(string format)
    {
        var result = Run(Chat("""[{"role":"user","content":"x"}]""", $""","response_format":{format}"""));
        var body = JsonNode.Parse(result.Body)!;

        Assert.Equal("json_output", result.JsonToolName);
        AssertJson("""{"type":"object"}""", body["tools"]![0]!["input_schema"]);
        AssertJson("""{"type":"tool","name":"json_output","disable_parallel_tool_use":true}""", body["tool_choice"]);
    }

    [Fact]
    public void TextResponseFormat_IsNotJsonMode()
    {
        var result = Run(Chat("""[{"role":"user","content":"x"}]""", ""","response_format":{"type":"text"}"""));

        Assert.False(result.JsonViaTool);
        Assert.Null(JsonNode.Parse(result.Body)!["tools"]);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("5")]
    public void MoreThanOneChoice_Is400OnN(string n)
    {
        var result = Run(Chat("""[{"role":"user","content":"x"}]""", $""","n":{n}"""));

        Assert.Equal(400, result.Error!.StatusCode);
        Assert.Equal("n", result.Error.Param);
        Assert.Equal("unsupported_value", result.Error.Code);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1]")]
    public void BodyNotAJsonObject_Is400(string body) => Assert.Equal(400, Run(body).Error!.StatusCode);

    [Fact]
    public void UnicodeAndQuotes_AreWrittenUnescaped()
    {
        var result = Run(Chat("""[{"role":"user","content":"Grüße, \"Ada\" <3"}]"""));

        Assert.Contains("Grüße, \\\"Ada\\\" <3", Encoding.UTF8.GetString(result.Body!), StringComparison.Ordinal);
    }
}
