using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Anthropic.Inbound;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Inbound;

public sealed class MessagesRequestTranslatorTests
{
    internal static TranslatedMessagesRequest Translate(string body)
    {
        var result = MessagesRequestTranslator.Translate(Encoding.UTF8.GetBytes(body), out var error);
        Assert.Null(error);
        return result!;
    }

    private static JsonNode TranslateToNode(string body) => JsonNode.Parse(Translate(body).OpenAIBody.Span)!;

    private static AnthropicError Reject(string body)
    {
        var result = MessagesRequestTranslator.Translate(Encoding.UTF8.GetBytes(body), out var error);
        Assert.Null(result);
        return Assert.IsType<AnthropicError>(error);
    }

    private static void AssertJson(string expected, JsonNode actual) =>
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse(expected), actual), $"Expected {expected}\nActual   {actual.ToJsonString()}");

    [Fact]
    public void Minimal_MapsModelMessagesAndMaxTokens_NotStreamed()
    {
        var result = Translate("""{"model":"claude-x","max_tokens":100,"messages":[{"role":"user","content":"Hi"}]}""");
        Assert.Equal("claude-x", result.Model);
        Assert.False(result.Stream);
        AssertJson("""{"model":"claude-x","messages":[{"role":"user","content":"Hi"}],"max_tokens":100}""", JsonNode.Parse(result.OpenAIBody.Span)!);
    }

    [Fact]
    public void SamplingMetadataAndServiceTier_AreMapped()
    {
        var result = Translate("""
            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],
             "stop_sequences":["END","STOP"],"temperature":0.5,"top_p":0.9,
             "metadata":{"user_id":"u-1"},"thinking":{"type":"disabled"},"service_tier":"standard_only","cache_control":{"type":"ephemeral"}}
            """);
        AssertJson("""{"model":"m","messages":[{"role":"user","content":"x"}],"max_tokens":5,"stop":["END","STOP"],"temperature":0.5,"top_p":0.9,"user":"u-1","service_tier":"default"}""", JsonNode.Parse(result.OpenAIBody.Span)!);
        Assert.Null(result.Untranslatable);
    }

    [Theory]
    [InlineData(""","top_k":40""", "top_k: not supported by this model's deployment")]
    [InlineData(""","thinking":{"type":"enabled","budget_tokens":1024}""", "thinking: not supported")]
    [InlineData(",\"container\":\"c-1\"", "container: not supported")]
    [InlineData(""","mcp_servers":[{"type":"url","url":"https://x","name":"x"}]""", "mcp_servers: not supported")]
    [InlineData(""","context_management":{"edits":[]}""", "context_management: not supported")]
    [InlineData(",\"inference_geo\":\"us\"", "inference_geo: not supported")]
    [InlineData(""","metadata":{"user_id":"u","tenant":"t"}""", "metadata.tenant: not supported")]
    [InlineData(""","output_config":{"task_budget":{"type":"tokens","total":5}}""", "output_config.task_budget: not supported")]
    [InlineData(""","output_config":{"effort":"max"}""", "output_config.effort: 'max' is not supported")]
    [InlineData(""","tools":[{"type":"web_search_20250305","name":"web_search"}]""", "tools.0: server tools (type 'web_search_20250305') run at Anthropic")]
    [InlineData(""","tools":[{"name":"a","input_schema":{"type":"object"},"defer_loading":true}]""", "tools.0.defer_loading: not supported")]
    public void FieldChatCompletionsCannotCarry_IsHeldAsUntranslatable_NotDropped(string extra, string message)
    {
        // The body stays sound (an Anthropic deployment takes it natively); a translated attempt is refused with this.
        var result = Translate($$"""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}]{{extra}}}""");

        var refusal = Assert.IsType<AnthropicError>(result.Untranslatable);
        Assert.Equal(400, refusal.StatusCode);
        Assert.Contains(message, refusal.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("output_config", """{"format":{"type":"json_schema","schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}}}""")]
    [InlineData("output_format", """{"type":"json_schema","schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false}}""")]
    public void StructuredOutput_BecomesStrictJsonSchemaResponseFormat(string field, string value)
    {
        var result = Translate($$"""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"{{field}}":{{value}}}""");

        AssertJson("""
            {"type":"json_schema","json_schema":{"name":"output","schema":{"type":"object","properties":{"a":{"type":"string"}},"required":["a"],"additionalProperties":false},"strict":true}}
            """, JsonNode.Parse(result.OpenAIBody.Span)!["response_format"]!);
        Assert.Null(result.Untranslatable);
    }

    [Theory]
    [InlineData("low")]
    [InlineData("high")]
    [InlineData("xhigh")]
    public void Effort_BecomesReasoningEffort(string effort)
    {
        var body = TranslateToNode($$$"""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":{"effort":"{{{effort}}}"}}""");

        Assert.Equal(effort, body["reasoning_effort"]!.GetValue<string>());
    }

    [Fact]
    public void CustomToolStrict_BecomesFunctionStrict()
    {
        var body = TranslateToNode("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"a","input_schema":{"type":"object"},"strict":true,"cache_control":{"type":"ephemeral"}}]}""");

        Assert.True(body["tools"]![0]!["function"]!["strict"]!.GetValue<bool>());
    }

    [Fact]
    public void Stream_AddsStreamAndIncludeUsage()
    {
        var result = Translate("""{"model":"m","max_tokens":5,"stream":true,"messages":[{"role":"user","content":"x"}]}""");
        Assert.True(result.Stream);
        var body = JsonNode.Parse(result.OpenAIBody.Span)!;
        Assert.True(body["stream"]!.GetValue<bool>());
        Assert.True(body["stream_options"]!["include_usage"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("\"Be brief.\"", "Be brief.")]
    [InlineData("""[{"type":"text","text":"One.","cache_control":{"type":"ephemeral"}},{"type":"text","text":"Two."}]""", "One.\n\nTwo.")]
    public void System_BecomesFirstSystemMessage(string system, string expected)
    {
        var body = TranslateToNode($$"""{"model":"m","max_tokens":5,"system":{{system}},"messages":[{"role":"user","content":"x"}]}""");
        var messages = body["messages"]!.AsArray();
        Assert.Equal(2, messages.Count);
        AssertJson(new JsonObject { ["role"] = "system", ["content"] = expected }.ToJsonString(), messages[0]!);
    }

    [Fact]
    public void UserBlocks_TextAndImages_BecomeContentParts()
    {
        var body = TranslateToNode("""
            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":[
              {"type":"text","text":"What is this?"},
              {"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},
              {"type":"image","source":{"type":"url","url":"https://example.com/cat.jpg"}},
              {"type":"document","source":{"type":"base64","media_type":"application/pdf","data":"JVBERi0="},"title":"spec.pdf"},
              {"type":"document","source":{"type":"text","media_type":"text/plain","data":"plain doc"}}
            ]}]}
            """);
        AssertJson("""
            [{"role":"user","content":[
              {"type":"text","text":"What is this?"},
              {"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}},
              {"type":"image_url","image_url":{"url":"https://example.com/cat.jpg"}},
              {"type":"file","file":{"filename":"spec.pdf","file_data":"data:application/pdf;base64,JVBERi0="}},
              {"type":"text","text":"plain doc"}
            ]}]
            """, body["messages"]!);
    }

    [Fact]
    public void SingleTextBlock_BecomesPlainString()
    {
        var body = TranslateToNode("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"text","text":"only"}]}]}""");
        AssertJson("""[{"role":"user","content":"only"}]""", body["messages"]!);
    }

    [Fact]
    public void ToolConversation_ToolUseBecomesToolCalls_ToolResultsBecomeToolMessagesBeforeUserText()
    {
        var body = TranslateToNode("""
            {"model":"m","max_tokens":5,"messages":[
              {"role":"user","content":"Weather in Paris and Rome?"},
              {"role":"assistant","content":[
                {"type":"thinking","thinking":"hmm","signature":"sig"},
                {"type":"text","text":"Checking."},
                {"type":"tool_use","id":"toolu_1","name":"get_weather","input":{"city":"Paris"}},
                {"type":"tool_use","id":"toolu_2","name":"get_weather","input":{"city":"Rome","units":{"t":"c"}}}]},
              {"role":"user","content":[
                {"type":"text","text":"Here you go"},
                {"type":"tool_result","tool_use_id":"toolu_1","content":"18C"},
                {"type":"tool_result","tool_use_id":"toolu_2","content":[{"type":"text","text":"line1"},{"type":"text","text":"line2"}],"is_error":true}]}
            ]}
            """);
        AssertJson("""
            [{"role":"user","content":"Weather in Paris and Rome?"},
             {"role":"assistant","content":"Checking.","tool_calls":[
               {"id":"toolu_1","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Paris\"}"}},
               {"id":"toolu_2","type":"function","function":{"name":"get_weather","arguments":"{\"city\":\"Rome\",\"units\":{\"t\":\"c\"}}"}}]},
             {"role":"tool","tool_call_id":"toolu_1","content":"18C"},
             {"role":"tool","tool_call_id":"toolu_2","content":"Error: line1\nline2"},
             {"role":"user","content":"Here you go"}]
            """, body["messages"]!);
    }

    [Fact]
    public void ToolResultOnly_ProducesNoEmptyUserMessage_ImageInResultMovesToUserMessage()
    {
        var body = TranslateToNode("""
            {"model":"m","max_tokens":5,"messages":[
              {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"shot","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[
                 {"type":"text","text":"see image"},{"type":"image","source":{"type":"url","url":"https://x/y.png"}}]}]},
              {"role":"assistant","content":[{"type":"tool_use","id":"t2","name":"noop","input":{}}]},
              {"role":"user","content":[{"type":"tool_result","tool_use_id":"t2"}]}
            ]}
            """);
        AssertJson("""
            [{"role":"assistant","content":null,"tool_calls":[{"id":"t1","type":"function","function":{"name":"shot","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"t1","content":"see image"},
             {"role":"user","content":[{"type":"image_url","image_url":{"url":"https://x/y.png"}}]},
             {"role":"assistant","content":null,"tool_calls":[{"id":"t2","type":"function","function":{"name":"noop","arguments":"{}"}}]},
             {"role":"tool","tool_call_id":"t2","content":""}]
            """, body["messages"]!);
    }

    [Fact]
    public void Tools_BecomeFunctionTools_WithInputSchemaAsParameters()
    {
        var body = TranslateToNode("""
            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],
             "tools":[{"name":"get_weather","description":"Weather now","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]},"cache_control":{"type":"ephemeral"}},
                      {"type":"custom","name":"noop","input_schema":{"type":"object"}}]}
            """);
        AssertJson("""
            [{"type":"function","function":{"name":"get_weather","description":"Weather now","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
             {"type":"function","function":{"name":"noop","parameters":{"type":"object"}}}]
            """, body["tools"]!);
        Assert.Null(body["tool_choice"]);
    }

    [Theory]
    [InlineData("""{"type":"auto"}""", "\"auto\"", null)]
    [InlineData("""{"type":"any"}""", "\"required\"", null)]
    [InlineData("""{"type":"none"}""", "\"none\"", null)]
    [InlineData("""{"type":"tool","name":"get_weather"}""", """{"type":"function","function":{"name":"get_weather"}}""", null)]
    [InlineData("""{"type":"auto","disable_parallel_tool_use":true}""", "\"auto\"", false)]
    [InlineData("""{"type":"tool","name":"get_weather","disable_parallel_tool_use":true}""", """{"type":"function","function":{"name":"get_weather"}}""", false)]
    [InlineData("""{"type":"any","disable_parallel_tool_use":false}""", "\"required\"", null)]
    public void ToolChoice_IsMapped(string toolChoice, string expected, bool? parallelToolCalls)
    {
        var body = TranslateToNode($$$"""
            {"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],
             "tools":[{"name":"get_weather","input_schema":{"type":"object"}}],"tool_choice":{{{toolChoice}}}}
            """);
        AssertJson(expected, body["tool_choice"]!);
        Assert.Equal(parallelToolCalls, body["parallel_tool_calls"]?.GetValue<bool>());
    }

    [Fact]
    public void ToolChoice_WithoutTools_IsNotSent()
    {
        var body = TranslateToNode("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"any"}}""");
        Assert.Null(body["tool_choice"]);
    }

    [Theory]
    [InlineData("{not json", "not valid JSON")]
    [InlineData("[1,2]", "not a JSON object")]
    [InlineData("""{"max_tokens":5,"messages":[{"role":"user","content":"x"}]}""", "model: Field required")]
    [InlineData("""{"model":42,"max_tokens":5,"messages":[{"role":"user","content":"x"}]}""", "model: Input should be a non-empty string")]
    [InlineData("""{"model":"m","messages":[{"role":"user","content":"x"}]}""", "max_tokens: Field required")]
    [InlineData("""{"model":"m","max_tokens":"5","messages":[{"role":"user","content":"x"}]}""", "max_tokens: Input should be a valid integer")]
    [InlineData("""{"model":"m","max_tokens":1.5,"messages":[{"role":"user","content":"x"}]}""", "max_tokens: Input should be a valid integer")]
    [InlineData("""{"model":"m","max_tokens":0,"messages":[{"role":"user","content":"x"}]}""", "max_tokens: Input should be greater than or equal to 1")]
    [InlineData("""{"model":"m","max_tokens":5}""", "messages: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[]}""", "messages: at least one message is required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":{}}""", "messages: Input should be a valid list")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"system","content":"x"}]}""", "messages.0.role: Input should be 'user' or 'assistant'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"},{"content":"x"}]}""", "messages.1.role: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user"}]}""", "messages.0.content: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"video"}]}]}""", "messages.0.content.0.type: Input tag 'video' found")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"text":"x"}]}]}""", "messages.0.content.0.type: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_result","tool_use_id":"x"}]}]}""", "messages.0.content.0.type: Input tag 'tool_result' found")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"assistant","content":[{"type":"tool_use","id":"a","name":"b","input":"x"}]}]}""", "messages.0.content.0.input: Input should be a valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"file","file_id":"f"}}]}]}""", "messages.0.content.0.source.type: 'file' is not supported")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","data":"x"}}]}]}""", "messages.0.content.0.source.base64.media_type: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":[{"type":"tool_result"}]}]}""", "messages.0.content.0.tool_use_id: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"stream":"yes","messages":[{"role":"user","content":"x"}]}""", "stream: Input should be a valid boolean")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":"json"}""", "output_config: Input should be a valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":{"format":"json"}}""", "output_config.format: Input should be a valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":{"format":{"type":"json_object"}}}""", "output_config.format.type: Input should be 'json_schema'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":{"format":{"type":"json_schema"}}}""", "output_config.format.schema: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":{"format":{"type":"json_schema","schema":[1]}}}""", "output_config.format.schema: Input should be a valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":{"format":{"type":"json_schema","schema":{},"name":"x"}}}""", "output_config.format.name: Extra inputs are not permitted")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_config":{"effort":7}}""", "output_config.effort: Input should be 'low'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_format":true}""", "output_format: Input should be a valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"output_format":{"type":"json_schema","schema":{}},"output_config":{"format":{"type":"json_schema","schema":{}}}}""", "output_format: Cannot be used together with output_config.format")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"service_tier":"priority"}""", "service_tier: Input should be 'auto' or 'standard_only'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"service_tier":1}""", "service_tier: Input should be 'auto' or 'standard_only'")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"metadata":"u-1"}""", "metadata: Input should be a valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tool_choice":"auto"}""", "tool_choice: Input should be a valid dictionary")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"auto","disable_parallel_tool_use":"yes"}}""", "tool_choice.disable_parallel_tool_use: Input should be a valid boolean")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"a","input_schema":{},"strict":"yes"}]}""", "tools.0.strict: Input should be a valid boolean")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tools":[{"name":"a"}]}""", "tools.0.input_schema: Field required")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"tool_choice":{"type":"some"}}""", "tool_choice.type: Input tag")]
    [InlineData("""{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"x"}],"system":[{"type":"image"}]}""", "system.0.type: Input should be 'text'")]
    public void InvalidRequest_IsRejectedWithPreciseMessage(string body, string message)
    {
        var error = Reject(body);
        Assert.Equal(400, error.StatusCode);
        Assert.Equal("invalid_request_error", error.Type);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
