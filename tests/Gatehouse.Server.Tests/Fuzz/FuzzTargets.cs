namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// Every endpoint under <c>/v1</c> and <c>/api</c> (as mapped in <c>src/Gatehouse.Server/**/*Endpoints.cs</c>),
/// plus health and the root page, each with valid seed bodies. A new endpoint belongs here.
/// </summary>
internal static class FuzzTargets
{
    private const string Chat = """{"model":"sim-small","messages":[{"role":"system","content":"Be brief."},{"role":"user","content":"Hello there"}],"max_tokens":16,"temperature":0.5}""";

    private const string Tools = """
        [{"type":"function","function":{"name":"get_weather","description":"Weather for a city","parameters":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}}},
         {"type":"function","function":{"name":"get_time","description":"Time in a zone","parameters":{"type":"object","properties":{"zone":{"type":"string"}}}}},
         {"type":"function","function":{"name":"send_email","description":"Send an email","parameters":{"type":"object","properties":{"to":{"type":"string"},"body":{"type":"string"}}}}},
         {"type":"function","function":{"name":"search_docs","description":"Search the documentation","parameters":{"type":"object","properties":{"q":{"type":"string"}}}}},
         {"type":"function","function":{"name":"create_ticket","description":"Open a support ticket","parameters":{"type":"object","properties":{"title":{"type":"string"},"priority":{"type":"integer","minimum":1,"maximum":5}}}}}]
        """;

    private const string AnthropicTools = """
        [{"name":"get_weather","description":"Weather for a city","input_schema":{"type":"object","properties":{"city":{"type":"string"}},"required":["city"]}},
         {"name":"get_time","description":"Time in a zone","input_schema":{"type":"object","properties":{"zone":{"type":"string"}}}},
         {"name":"send_email","description":"Send an email","input_schema":{"type":"object","properties":{"to":{"type":"string"}}}},
         {"name":"search_docs","description":"Search the documentation","input_schema":{"type":"object","properties":{"q":{"type":"string"}}}}]
        """;

    private const string PromptVersion = """
        {"messages":[{"role":"system","content":"Be {{tone}}."},{"role":"user","content":"Hi {{name}}{{#if age}} ({{age}}){{/if}}{{#each topics}} #{{this}}{{/each}}"}],
         "variables":[{"name":"name","type":"string","required":true},{"name":"age","type":"number"},{"name":"tone","type":"enum","values":["warm","dry"],"default":"warm"},
                      {"name":"topics","type":"array","default":[]},{"name":"account","type":"object"},{"name":"vip","type":"boolean","default":false}],
         "model":"sim-small","parameters":{"temperature":0.2,"max_tokens":20},"note":"fuzz","labels":["staging"]}
        """;

    private const string Inputs = """{"name":"Ada","age":36,"tone":"dry","topics":["math","engines"],"account":{"plan":"pro"},"vip":true}""";

    private static readonly string[] s_dates = ["2026-01-01T00:00:00Z", "2020-01-01T00:00:00Z", "2030-01-01T00:00:00Z"];
    private static readonly string[] s_limits = ["1", "10", "200"];

    /// <summary>Seeds for the prompt that <see cref="FuzzIds"/> creates before the run.</summary>
    public static string PromptDefinition(string slug) =>
        "{\"slug\":\"" + slug + "\",\"description\":\"fuzzed\",\"tags\":[\"fuzz\"]," +
        PromptVersion.TrimStart()[1..].Replace("\"labels\":[\"staging\"]", "\"labels\":[\"production\"]", StringComparison.Ordinal);

    public static IReadOnlyList<FuzzTarget> All(FuzzIds ids) =>
    [
        // OpenAI-compatible.
        FuzzTarget.Post("chat", "/v1/chat/completions",
            Chat,
            """{"model":"sim-medium","messages":[{"role":"user","content":"Stream a story"}],"stream":true,"stream_options":{"include_usage":true},"max_tokens":12}""",
            $$$$"""{"model":"fuzz-tools","messages":[{"role":"user","content":"What is the weather in Paris?"}],"tools":{{{{Tools}}}},"tool_choice":"auto","max_tokens":16}""",
            """{"model":"sim-small","messages":[{"role":"user","content":"Give JSON"}],"response_format":{"type":"json_schema","json_schema":{"name":"r","strict":true,"schema":{"type":"object","properties":{"a":{"type":"integer"},"b":{"type":"array","items":{"type":"string"}}},"required":["a"]}}},"n":2,"seed":7}""",
            """{"model":"sim-small","messages":[{"role":"user","content":[{"type":"text","text":"Look"},{"type":"image_url","image_url":{"url":"data:image/png;base64,iVBORw0KGgo="}}]},{"role":"assistant","content":null,"tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"42"}],"max_completion_tokens":8,"response_format":{"type":"json_object"},"stop":["x"],"user":"u1"}"""),
        FuzzTarget.Post("responses", "/v1/responses",
            """{"model":"sim-small","instructions":"Be brief.","input":"Hello there","max_output_tokens":16,"temperature":0.5,"metadata":{"a":"b"}}""",
            """{"model":"sim-medium","input":[{"role":"user","content":[{"type":"input_text","text":"Stream a story"}]}],"stream":true,"max_output_tokens":16}""",
            """{"model":"sim-small","input":[{"role":"user","content":"Weather?"},{"type":"function_call","call_id":"c1","name":"get_weather","arguments":"{\"city\":\"Oslo\"}"},{"type":"function_call_output","call_id":"c1","output":"cold"}],"tools":[{"type":"function","name":"get_weather","parameters":{"type":"object","properties":{"city":{"type":"string"}}}}],"tool_choice":"auto","parallel_tool_calls":false}""",
            """{"model":"sim-small","input":[{"role":"user","content":[{"type":"input_text","text":"Look"},{"type":"input_image","image_url":"data:image/png;base64,iVBORw0KGgo="}]}],"text":{"format":{"type":"json_schema","name":"r","strict":true,"schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"]}}},"reasoning":{"effort":"low"},"store":false}"""),
        FuzzTarget.Post("embeddings", "/v1/embeddings",
            """{"model":"sim-embedding","input":"The quick brown fox"}""",
            """{"model":"sim-embedding","input":["one","two","three"],"dimensions":64,"encoding_format":"base64"}""",
            """{"model":"sim-embedding","input":[[1,2,3],[4,5]],"encoding_format":"float","user":"u"}"""),
        FuzzTarget.Get("models", "/v1/models"),
        FuzzTarget.Get("model", "/v1/models/{model}"),
        FuzzTarget.Post("messages", "/v1/messages",
            """{"model":"sim-small","max_tokens":16,"system":"Be brief.","messages":[{"role":"user","content":"Hello"}]}""",
            """{"model":"sim-medium","max_tokens":12,"stream":true,"messages":[{"role":"user","content":[{"type":"text","text":"Tell me a story"}]}],"temperature":0.3,"top_p":0.9,"stop_sequences":["END"]}""",
            $$$$"""{"model":"fuzz-tools","max_tokens":16,"tools":{{{{AnthropicTools}}}},"tool_choice":{"type":"auto"},"messages":[{"role":"user","content":"Weather in Oslo?"},{"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"get_weather","input":{"city":"Oslo"}}]},{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":"cold"}]}]}""",
            """{"model":"sim-small","max_tokens":8,"system":[{"type":"text","text":"sys","cache_control":{"type":"ephemeral"}}],"messages":[{"role":"user","content":[{"type":"image","source":{"type":"base64","media_type":"image/png","data":"iVBORw0KGgo="}},{"type":"text","text":"What is it?"}]}],"thinking":{"type":"disabled"},"metadata":{"user_id":"u"},"output_config":{"effort":"low","format":{"type":"json_schema","schema":{"type":"object","properties":{"a":{"type":"integer"}},"required":["a"],"additionalProperties":false}}}}"""),
        FuzzTarget.Post("count_tokens", "/v1/messages/count_tokens",
            """{"model":"sim-small","system":"Be brief.","messages":[{"role":"user","content":"Hello there, how are you?"}]}""",
            $$$$"""{"model":"sim-small","tools":{{{{AnthropicTools}}}},"messages":[{"role":"user","content":[{"type":"text","text":"Weather?"}]}]}"""),
        FuzzTarget.Send("v1-unknown", "POST", "/v1/completions", """{"model":"sim-small","prompt":"hi"}"""),

        // Keys (admin).
        FuzzTarget.Post("keys-create", "/api/keys",
            """{"name":"fuzzed","owner":"fuzz-created","allowedModels":["sim-small"],"expiresAt":"2030-01-01T00:00:00Z","metadata":{"team":"a"},"requestsPerMinute":1000,"tokensPerMinute":1000000,"routing":{"strategy":"Cheapest","fallback":true,"maxRetries":1},"cache":{"enabled":true,"ttlSeconds":60,"namespace":"ns.1"},"toolPrefilter":true}"""),
        FuzzTarget.Get("keys-list", "/api/keys"),
        FuzzTarget.Get("key", "/api/keys/{key}"),
        FuzzTarget.Send("key-update", "PATCH", "/api/keys/{key}", """{"routing":{"strategy":"LeastBusy","maxRetries":2},"cache":{"enabled":false,"ttlSeconds":5},"toolPrefilter":null}"""),
        FuzzTarget.Send("key-revoke", "POST", "/api/keys/{key}/revoke"),
        FuzzTarget.Send("key-delete", "DELETE", "/api/keys/{key}"),

        // Budgets (admin).
        FuzzTarget.Post("budgets-create", "/api/budgets",
            $$$$"""{"name":"fuzz month","keyId":"{{{{ids.VictimKeyId}}}}","period":"month","limitUsd":10,"alertThresholds":[50,80,100]}""",
            $$$$"""{"owner":"{{{{FuzzIds.VictimOwner}}}}","period":"total","limitUsd":5.5}"""),
        new("budgets-list", "GET", "/api/budgets", [], new Dictionary<string, string[]> { ["keyId"] = [ids.VictimKeyId, "master"], ["owner"] = [FuzzIds.VictimOwner] }),
        FuzzTarget.Get("budget", "/api/budgets/{budget}"),
        FuzzTarget.Send("budget-update", "PATCH", "/api/budgets/{budget}", """{"limitUsd":20,"alertThresholds":[90],"name":"renamed"}"""),
        FuzzTarget.Send("budget-delete", "DELETE", "/api/budgets/{budget}"),

        // Prompts.
        FuzzTarget.Post("prompts-create", "/api/prompts", PromptDefinition("fuzz-new")),
        new("prompts-list", "GET", "/api/prompts", [], new Dictionary<string, string[]>
        {
            ["owner"] = ["fuzz"], ["tag"] = ["fuzz"], ["search"] = ["fuzz"], ["archived"] = ["false", "true", "all"], ["limit"] = s_limits, ["cursor"] = [FuzzIds.PromptSlug],
        }),
        FuzzTarget.Get("prompt", "/api/prompts/{prompt}"),
        FuzzTarget.Send("prompt-update", "PATCH", "/api/prompts/{prompt}", """{"description":"changed","tags":["fuzz","b"]}"""),
        FuzzTarget.Send("prompt-archive", "POST", "/api/prompts/{archive}/archive"),
        FuzzTarget.Send("prompt-unarchive", "POST", "/api/prompts/{archive}/unarchive"),
        FuzzTarget.Post("prompt-add-version", "/api/prompts/{prompt}/versions", PromptVersion),
        FuzzTarget.Get("prompt-versions", "/api/prompts/{prompt}/versions"),
        FuzzTarget.Get("prompt-version", "/api/prompts/{prompt}/versions/{version}"),
        FuzzTarget.Send("prompt-label-set", "PUT", "/api/prompts/{prompt}/labels/{label}", """{"version":1}"""),
        FuzzTarget.Send("prompt-label-delete", "DELETE", "/api/prompts/{prompt}/labels/{label}"),
        FuzzTarget.Post("prompt-render", "/api/prompts/{prompt}/render", $$$$"""{"inputs":{{{{Inputs}}}},"label":"production"}""", $$$$"""{"inputs":{{{{Inputs}}}},"version":1}"""),
        FuzzTarget.Post("prompt-execute", "/api/prompts/{prompt}/execute",
            $$$$"""{"inputs":{{{{Inputs}}}},"overrides":{"model":"sim-small","temperature":0.5,"maxTokens":12}}""",
            $$$$"""{"inputs":{{{{Inputs}}}},"version":1,"stream":true}"""),

        // History, analytics, status.
        new("executions-list", "GET", "/api/executions", [], new Dictionary<string, string[]>
        {
            ["prompt"] = [FuzzIds.PromptSlug, ids.PromptId], ["version"] = ["v1"], ["status"] = ["completed", "failed", "validation_failed"], ["model"] = ["sim-small"],
            ["key"] = ["master"], ["retryOf"] = [ids.ExecutionId], ["from"] = s_dates, ["to"] = s_dates, ["limit"] = s_limits, ["cursor"] = ["x"],
        }),
        FuzzTarget.Get("execution", "/api/executions/{execution}"),
        FuzzTarget.Send("execution-retry", "POST", "/api/executions/{execution}/retry"),
        new("requests-list", "GET", "/api/requests", [], new Dictionary<string, string[]>
        {
            ["key"] = ["master", ids.UserKeyId], ["model"] = ["sim-small"], ["status"] = ["200", "400"], ["outcome"] = ["success", "error"],
            ["from"] = s_dates, ["to"] = s_dates, ["limit"] = s_limits, ["cursor"] = ["x"],
        }),
        FuzzTarget.Get("request", "/api/requests/{record}"),
        new("analytics", "GET", "/api/analytics", [], new Dictionary<string, string[]> { ["from"] = s_dates, ["to"] = s_dates, ["groupBy"] = ["hour", "day"] }),
        FuzzTarget.Get("status", "/api/status"),
        FuzzTarget.Get("degradation", "/api/degradation"),
        FuzzTarget.Send("degradation-pin", "PUT", "/api/degradation", """{"level":"full","reason":"fuzz"}"""),
        FuzzTarget.Send("degradation-unpin", "DELETE", "/api/degradation"),
        new("cache-purge", "DELETE", "/api/cache", [], new Dictionary<string, string[]> { ["namespace"] = ["default", "ns.1/x"] }),
        FuzzTarget.Get("api-unknown", "/api/nothing-here"),

        // Outside /v1 and /api: no error shape is promised, but no 5xx and no hang either.
        FuzzTarget.Get("health-live", "/health/live"),
        FuzzTarget.Get("health-ready", "/health/ready"),
        FuzzTarget.Get("root", "/"),
    ];
}
