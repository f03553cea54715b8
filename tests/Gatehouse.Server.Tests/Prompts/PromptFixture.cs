using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Prompts;

/// <summary>Helpers for prompt tests: a Gatehouse without demo data, keys with owners, and JSON in and out.</summary>
internal static class PromptFixture
{
    /// <summary>Fast simulator, no demo prompts (so every test starts from an empty catalogue).</summary>
    public const string Config = """
        { "Gatehouse": {
            "Prompts": { "SeedDemo": false },
            "Deployments": {
              "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
              "sim-medium": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
              "sim-large": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } } } } }
        """;

    /// <summary>A prompt with one variable of every type, used by most tests.</summary>
    public const string Greeting = """
        {
          "slug": "greeting",
          "description": "Says hello",
          "tags": ["demo", "support"],
          "labels": ["production"],
          "model": "sim-small",
          "parameters": { "temperature": 0.2, "max_tokens": 50 },
          "variables": [
            { "name": "name", "type": "string", "required": true },
            { "name": "age", "type": "number" },
            { "name": "vip", "type": "boolean", "default": false },
            { "name": "tone", "type": "enum", "values": ["warm", "dry"], "default": "warm" },
            { "name": "topics", "type": "array", "default": [] },
            { "name": "account", "type": "object" }
          ],
          "messages": [
            { "role": "system", "content": "Be {{tone}}.{{#if vip}} This is a VIP.{{/if}}" },
            { "role": "user", "content": "Hello {{name}}{{#if age}} ({{age}}){{/if}}!{{#each topics}} #{{this}}{{/each}}{{#if account}} Plan: {{account.plan}}{{/if}}" }
          ]
        }
        """;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static Task<GatehouseServer> StartAsync(string? config = null, string? dataDirectory = null) =>
        GatehouseServer.StartAsync(config ?? Config, dataDirectory);

    public static async Task<(string Id, HttpClient Client)> CreateKeyAsync(GatehouseServer server, string name, string? owner)
    {
        using var admin = server.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/keys", new { name, owner }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
        return (key.GetProperty("id").GetString()!, server.CreateClient(key.GetProperty("key").GetString()));
    }

    public static async Task<(HttpStatusCode Status, JsonElement Body)> SendAsync(HttpClient client, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : GatehouseServer.Json(json) };
        using var response = await client.SendAsync(request, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        if ((int)response.StatusCode >= 400 && text.Length > 0)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    public static Task<(HttpStatusCode Status, JsonElement Body)> PostAsync(HttpClient client, string path, string json) => SendAsync(client, HttpMethod.Post, path, json);

    public static Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path) => SendAsync(client, HttpMethod.Get, path);

    public static async Task<JsonElement> CreatePromptAsync(HttpClient client, string json)
    {
        var (status, body) = await PostAsync(client, "api/prompts", json);
        Assert.True(status == HttpStatusCode.Created, body.ToString());
        return body;
    }

    /// <summary>The <c>errors</c> of a ValidationProblem as field → messages.</summary>
    public static Dictionary<string, string[]> Errors(JsonElement problem) =>
        problem.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(m => m.GetString()!).ToArray());

    public static string[] Contents(JsonElement rendered) =>
        [.. rendered.GetProperty("messages").EnumerateArray().Select(m => m.GetProperty("content").GetString()!)];

    /// <summary>Replaces the top-level property <paramref name="name"/> of a JSON object.</summary>
    public static string With(string json, string name, string valueJson)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node[name] = System.Text.Json.Nodes.JsonNode.Parse(valueJson);
        return node.ToJsonString();
    }

    /// <summary>Removes the top-level property <paramref name="name"/> of a JSON object.</summary>
    public static string Without(string json, string name)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(json)!.AsObject();
        node.Remove(name);
        return node.ToJsonString();
    }
}
