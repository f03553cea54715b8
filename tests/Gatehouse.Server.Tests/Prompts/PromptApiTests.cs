using System.Net;
using System.Text.Json;
using Xunit;
using static Gatehouse.Tests.Prompts.PromptFixture;

namespace Gatehouse.Tests.Prompts;

/// <summary><c>/api/prompts</c> over HTTP: create, read, update, versions that never change, labels that move, archive.</summary>
public sealed class PromptApiTests
{
    [Fact]
    public async Task Create_ThenGetByIdAndBySlug_ShowsMetadataLabelsAndVersion1()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();

        var created = await CreatePromptAsync(admin, Greeting);
        var id = created.GetProperty("id").GetString()!;

        Assert.StartsWith("prm_", id, StringComparison.Ordinal);
        Assert.Equal("greeting", created.GetProperty("slug").GetString());
        Assert.Equal(["demo", "support"], created.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal("api", created.GetProperty("source").GetString());
        Assert.Equal(1, created.GetProperty("latestVersion").GetInt32());
        Assert.Equal(1, created.GetProperty("labels").GetProperty("production").GetInt32());
        var byId = (await GetAsync(admin, $"api/prompts/{id}")).Body;
        var bySlug = (await GetAsync(admin, "api/prompts/greeting")).Body;
        Assert.Equal(id, byId.GetProperty("id").GetString());
        Assert.Equal(id, bySlug.GetProperty("id").GetString());

        var version = (await GetAsync(admin, "api/prompts/greeting/versions/1")).Body;
        Assert.Equal("sim-small", version.GetProperty("model").GetString());
        Assert.Equal(6, version.GetProperty("variables").GetArrayLength());
        Assert.Equal(0.2, version.GetProperty("parameters").GetProperty("temperature").GetDouble());
        Assert.Equal(["production"], version.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal(64, version.GetProperty("contentHash").GetString()!.Length);
    }

    [Fact]
    public async Task Create_SlugTaken_IsAConflict()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);

        var (status, body) = await PostAsync(admin, "api/prompts", Greeting);

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("greeting", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("slug", "\"Not A Slug\"", "slug")]
    [InlineData("slug", "\"prm_123\"", "slug")]
    [InlineData("model", "\"no-such-model\"", "model")]
    [InlineData("model", "null", "model")]
    [InlineData("messages", "[]", "messages")]
    [InlineData("messages", "[{\"role\":\"robot\",\"content\":\"hi\"}]", "messages[0].role")]
    [InlineData("messages", "[{\"role\":\"user\",\"content\":\"{{#if name}}never closed\"}]", "messages[0].content")]
    [InlineData("messages", "[{\"role\":\"user\",\"content\":\"Hi {{nmae}}\"}]", "messages[0].content")]
    [InlineData("messages", "[{\"role\":\"user\",\"content\":\"{{> header}}\"}]", "messages[0].content")]
    [InlineData("messages", "[{\"role\":\"user\",\"content\":\"{{shout name}}\"}]", "messages[0].content")]
    [InlineData("variables", "[{\"name\":\"name\",\"type\":\"text\"}]", "variables[0].type")]
    [InlineData("variables", "[{\"name\":\"1st\",\"type\":\"string\"}]", "variables[0].name")]
    [InlineData("variables", "[{\"name\":\"tone\",\"type\":\"enum\"}]", "variables[0].values")]
    [InlineData("variables", "[{\"name\":\"n\",\"type\":\"number\",\"default\":\"ten\"}]", "variables[0].default")]
    [InlineData("variables", "[{\"name\":\"n\",\"type\":\"number\",\"required\":true,\"default\":1}]", "variables[0].default")]
    [InlineData("parameters", "{\"temperature\":3}", "parameters.temperature")]
    [InlineData("parameters", "{\"max_tokens\":0}", "parameters.max_tokens")]
    [InlineData("parameters", "{\"top_p\":1.5}", "parameters.top_p")]
    [InlineData("parameters", "{\"response_format\":{\"type\":\"json_object\"}}", "parameters.response_format")]
    [InlineData("tools", "[{\"type\":\"function\",\"function\":{\"name\":\"bad name!\"}}]", "tools[0].function.name")]
    [InlineData("output", "{\"schema\":{\"type\":\"strnig\"}}", "output.schema")]
    [InlineData("output", "{\"schema\":{\"type\":\"object\",\"required\":\"a\"}}", "output.schema")]
    [InlineData("output", "{\"maxRepairAttempts\":2}", "output.schema")]
    [InlineData("output", "{\"schema\":{\"type\":\"object\"},\"maxRepairAttempts\":9}", "output.maxRepairAttempts")]
    [InlineData("labels", "[\"latest\"]", "labels")]
    [InlineData("labels", "[\"42\"]", "labels")]
    public async Task Create_Invalid_IsAValidationProblemNamingTheField(string property, string value, string field)
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();

        var (status, body) = await PostAsync(admin, "api/prompts", With(Greeting, property, value));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(Errors(body).ContainsKey(field), body.ToString());
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(admin, "api/prompts/greeting")).Status);
    }

    [Fact]
    public async Task Create_ManyProblems_AreReportedTogether()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();

        var (status, body) = await PostAsync(admin, "api/prompts", """
            { "slug": "Bad Slug", "model": "nope", "variables": [{ "name": "x", "type": "wat" }],
              "messages": [{ "role": "user", "content": "{{#each}}" }, { "role": "user", "content": "{{y}}" }],
              "parameters": { "temperature": -1 } }
            """);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(
            ["messages[0].content", "messages[1].content", "model", "parameters.temperature", "slug", "variables[0].type"],
            Errors(body).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Create_UnknownField_IsRefused()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();

        var (status, _) = await PostAsync(admin, "api/prompts", With(Greeting, "temprature", "0.5"));

        Assert.Equal(HttpStatusCode.BadRequest, status);
    }

    [Fact]
    public async Task AddVersion_KeepsOldVersionsUnchanged_AndLabelsMove()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);
        var v1Before = (await GetAsync(admin, "api/prompts/greeting/versions/1")).Body.GetRawText();

        var (status, v2) = await PostAsync(admin, "api/prompts/greeting/versions", """
            { "note": "shorter", "labels": ["staging"], "model": "sim-medium",
              "variables": [{ "name": "name", "type": "string", "required": true }],
              "messages": [{ "role": "user", "content": "Hi {{name}}" }] }
            """);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal(2, v2.GetProperty("version").GetInt32());
        Assert.Equal(["staging"], v2.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Equal("shorter", v2.GetProperty("note").GetString());
        Assert.Equal(v1Before, (await GetAsync(admin, "api/prompts/greeting/versions/1")).Body.GetRawText());
        Assert.Equal(2, (await GetAsync(admin, "api/prompts/greeting/versions/latest")).Body.GetProperty("version").GetInt32());
        Assert.Equal(2, (await GetAsync(admin, "api/prompts/greeting/versions/staging")).Body.GetProperty("version").GetInt32());
        Assert.Equal(1, (await GetAsync(admin, "api/prompts/greeting/versions/production")).Body.GetProperty("version").GetInt32());

        // Rendering without a label uses production (v1); staging renders v2.
        var production = (await PostAsync(admin, "api/prompts/greeting/render", """{"inputs":{"name":"Ada"}}""")).Body;
        var staging = (await PostAsync(admin, "api/prompts/greeting/render", """{"inputs":{"name":"Ada"},"label":"staging"}""")).Body;
        Assert.Equal(1, production.GetProperty("version").GetInt32());
        Assert.Equal("production", production.GetProperty("label").GetString());
        Assert.Equal(["Hi Ada"], Contents(staging));

        // Move production to v2, then delete staging.
        var (moved, prompt) = await SendAsync(admin, HttpMethod.Put, "api/prompts/greeting/labels/production", """{"version":2}""");
        Assert.Equal(HttpStatusCode.OK, moved);
        Assert.Equal(2, prompt.GetProperty("labels").GetProperty("production").GetInt32());
        Assert.Equal(2, (await PostAsync(admin, "api/prompts/greeting/render", """{"inputs":{"name":"Ada"}}""")).Body.GetProperty("version").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, (await SendAsync(admin, HttpMethod.Delete, "api/prompts/greeting/labels/staging")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(admin, HttpMethod.Delete, "api/prompts/greeting/labels/staging")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(admin, "api/prompts/greeting/versions/staging")).Status);

        var versions = (await GetAsync(admin, "api/prompts/greeting/versions")).Body;
        Assert.Equal([2, 1], versions.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()));
    }

    [Fact]
    public async Task Labels_PointingAtMissingVersion_OrBadName_AreRefused()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);

        var missing = await SendAsync(admin, HttpMethod.Put, "api/prompts/greeting/labels/staging", """{"version":7}""");
        var latest = await SendAsync(admin, HttpMethod.Put, "api/prompts/greeting/labels/latest", """{"version":1}""");
        var noVersion = await SendAsync(admin, HttpMethod.Put, "api/prompts/greeting/labels/staging", "{}");

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(HttpStatusCode.BadRequest, latest.Status);
        Assert.True(Errors(latest.Body).ContainsKey("label"));
        Assert.Equal(HttpStatusCode.BadRequest, noVersion.Status);
        Assert.False((await GetAsync(admin, "api/prompts/greeting")).Body.GetProperty("labels").TryGetProperty("staging", out _));
    }

    [Fact]
    public async Task ConcurrentVersions_GetDistinctNumbers()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);
        const string version = """{ "model": "sim-small", "messages": [{ "role": "user", "content": "Hi" }] }""";

        var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => PostAsync(admin, "api/prompts/greeting/versions", version)));

        Assert.All(results, r => Assert.Equal(HttpStatusCode.Created, r.Status));
        Assert.Equal(Enumerable.Range(2, 8), results.Select(r => r.Body.GetProperty("version").GetInt32()).Order());
    }

    [Fact]
    public async Task Patch_ChangesDescriptionAndTags_RefusesContent()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);

        var (status, patched) = await SendAsync(admin, HttpMethod.Patch, "api/prompts/greeting", """{"description":"Greets people","tags":["b","a","a"]}""");
        var refused = await SendAsync(admin, HttpMethod.Patch, "api/prompts/greeting", """{"model":"sim-large"}""");
        var empty = await SendAsync(admin, HttpMethod.Patch, "api/prompts/greeting", "{}");
        var cleared = (await SendAsync(admin, HttpMethod.Patch, "api/prompts/greeting", """{"description":""}""")).Body;

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Greets people", patched.GetProperty("description").GetString());
        Assert.Equal(["a", "b"], patched.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, refused.Status);
        Assert.True(Errors(refused.Body).ContainsKey("model"));
        Assert.Equal(HttpStatusCode.BadRequest, empty.Status);
        Assert.Equal(JsonValueKind.Null, cleared.GetProperty("description").ValueKind);
        Assert.Equal(["a", "b"], cleared.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task Archive_HidesFromList_RefusesRenderAndChanges_UnarchiveRestores()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);

        var (status, archived) = await PostAsync(admin, "api/prompts/greeting/archive", "");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(archived.GetProperty("archived").GetBoolean());
        Assert.Empty((await GetAsync(admin, "api/prompts")).Body.GetProperty("items").EnumerateArray());
        Assert.Single((await GetAsync(admin, "api/prompts?archived=true")).Body.GetProperty("items").EnumerateArray());
        Assert.Single((await GetAsync(admin, "api/prompts?archived=all")).Body.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(admin, "api/prompts/greeting")).Status);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(admin, "api/prompts/greeting/versions/1")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(admin, "api/prompts/greeting/render", """{"inputs":{"name":"Ada"}}""")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(admin, "api/prompts/greeting/versions", """{"model":"sim-small","messages":[{"role":"user","content":"x"}]}""")).Status);
        Assert.Equal(HttpStatusCode.Conflict, (await SendAsync(admin, HttpMethod.Put, "api/prompts/greeting/labels/staging", """{"version":1}""")).Status);

        var restored = (await PostAsync(admin, "api/prompts/greeting/unarchive", "")).Body;
        Assert.False(restored.GetProperty("archived").GetBoolean());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(admin, "api/prompts/greeting/render", """{"inputs":{"name":"Ada"}}""")).Status);
    }

    [Fact]
    public async Task List_FiltersByTagOwnerAndSearch_AndPagesBySlug()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        foreach (var (slug, owner, tag) in new[] { ("a-one", "team-a", "x"), ("b-two", "team-b", "y"), ("c-three", "team-a", "y"), ("d-four", null, "x"), ("e-five", "team-a", "x") })
        {
            var json = With(With(With(Greeting, "slug", $"\"{slug}\""), "owner", owner is null ? "null" : $"\"{owner}\""), "tags", $"[\"{tag}\"]");
            await CreatePromptAsync(admin, With(json, "description", $"\"About {slug.ToUpperInvariant()}\""));
        }

        static IEnumerable<string> Slugs(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("slug").GetString()!);

        Assert.Equal(["a-one", "d-four", "e-five"], Slugs((await GetAsync(admin, "api/prompts?tag=x")).Body));
        Assert.Equal(["a-one", "c-three", "e-five"], Slugs((await GetAsync(admin, "api/prompts?owner=team-a")).Body));
        Assert.Equal(["c-three"], Slugs((await GetAsync(admin, "api/prompts?owner=team-a&tag=y")).Body));
        Assert.Equal(["b-two"], Slugs((await GetAsync(admin, "api/prompts?search=about%20b")).Body));

        var seen = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = (await GetAsync(admin, "api/prompts?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)))).Body;
            seen.AddRange(Slugs(page));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);

        Assert.Equal(["a-one", "b-two", "c-three", "d-four", "e-five"], seen);
        Assert.Equal(3, pages);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(admin, "api/prompts?limit=0")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await GetAsync(admin, "api/prompts?archived=maybe")).Status);
    }

    [Fact]
    public async Task WithoutKey_IsUnauthorized()
    {
        await using var server = await StartAsync();
        using var anonymous = server.CreateClient(key: null);

        Assert.Equal(HttpStatusCode.Unauthorized, (await GetAsync(anonymous, "api/prompts")).Status);
    }
}
