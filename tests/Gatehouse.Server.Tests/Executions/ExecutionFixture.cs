using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Executions;
using Gatehouse.Keys;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gatehouse.Tests.Executions;

/// <summary>Helpers for execution tests: rendered calls, keys as callers, upstream answers with chosen content.</summary>
internal static class ExecutionFixture
{
    /// <summary>A code review's output contract, as a prompt version would carry it.</summary>
    public const string ReviewSchema = """
        {"type":"object","properties":{
          "verdict":{"type":"string","enum":["approve","request_changes"]},
          "score":{"type":"integer","minimum":1,"maximum":10},
          "comments":{"type":"array","items":{"type":"object","properties":{"line":{"type":"integer"},"text":{"type":"string"}},"required":["line","text"]}}},
         "required":["verdict","score","comments"]}
        """;

    public const string ValidReview = """{"verdict":"approve","score":8,"comments":[{"line":3,"text":"Nice."}]}""";

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static JsonElement JsonOf(string json) => JsonDocument.Parse(json).RootElement.Clone();

    public static RenderedCall ReviewCall(string model = "sim-small", int maxRepairAttempts = 0, string question = "Review this diff: +x = 1") => new()
    {
        Model = model,
        Messages = JsonOf($$"""[{"role":"system","content":"You review code."},{"role":"user","content":{{JsonSerializer.Serialize(question, TestJson.Options)}}}]"""),
        Parameters = JsonOf("""{"temperature":0.2,"max_tokens":200}"""),
        OutputSchema = JsonOf(ReviewSchema),
        MaxRepairAttempts = maxRepairAttempts,
    };

    public static ExecutionRequest Request(CallerIdentity caller, RenderedCall call, string promptId = "prm_review", string version = "v1") => new()
    {
        Caller = caller,
        Call = call,
        Prompt = new PromptReference(promptId, promptId.Replace("prm_", "", StringComparison.Ordinal), version, "production"),
        Inputs = JsonOf("""{"diff":"+x = 1"}"""),
    };

    /// <summary>The admin caller, as the pipeline would authenticate the master key.</summary>
    public static CallerIdentity Admin(GatehouseServer server) => CallerFor(server, GatehouseServer.MasterKey);

    public static CallerIdentity CallerFor(GatehouseServer server, string secret)
    {
        Assert.Equal(KeyCheck.Valid, server.GetService<IKeyRegistry>().Check(secret, out var caller));
        return caller!;
    }

    /// <summary>Creates a virtual key; returns its id, its caller identity and an HTTP client using it.</summary>
    public static async Task<(string Id, CallerIdentity Caller, HttpClient Client)> CreateKeyAsync(GatehouseServer server, string name, string? owner)
    {
        using var admin = server.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/keys", new { name, owner }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
        var secret = key.GetProperty("key").GetString()!;
        return (key.GetProperty("id").GetString()!, CallerFor(server, secret), server.CreateClient(secret));
    }

    /// <summary>A chat completion whose assistant message says <paramref name="content"/>, with a fixed usage.</summary>
    public static Task AnswerAsync(HttpContext context, string content, int promptTokens = 100, int completionTokens = 20) =>
        FakeResponses.WriteChatCompletionAsync(context, $$$"""
            {"id":"chatcmpl-x","object":"chat.completion","created":1730000000,"model":"upstream-model","choices":[{"index":0,"message":{"role":"assistant","content":{{{JsonSerializer.Serialize(content, TestJson.Options)}}}},"finish_reason":"stop"}],"usage":{"prompt_tokens":{{{promptTokens}}},"completion_tokens":{{{completionTokens}}},"total_tokens":{{{promptTokens + completionTokens}}}}}
            """);

    public static async Task<JsonElement> GetJsonAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
