using System.Net;
using Xunit;
using static Gatehouse.Tests.Prompts.PromptFixture;

namespace Gatehouse.Tests.Prompts;

/// <summary>A virtual key sees and manages only its owner's prompts; another owner's prompt is a 404, never a 403.</summary>
public sealed class PromptOwnershipTests
{
    [Fact]
    public async Task AnotherOwnersPrompt_IsNotFound_ForEveryOperation()
    {
        await using var server = await StartAsync();
        var (_, teamA) = await CreateKeyAsync(server, "a-app", owner: "team-a");
        var (_, teamB) = await CreateKeyAsync(server, "b-app", owner: "team-b");
        using var admin = server.CreateClient();
        var created = await CreatePromptAsync(teamA, Greeting);
        var id = created.GetProperty("id").GetString()!;
        Assert.Equal("team-a", created.GetProperty("owner").GetString());

        foreach (var target in new[] { "greeting", id })
        {
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(teamB, $"api/prompts/{target}")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(teamB, $"api/prompts/{target}/versions")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(teamB, $"api/prompts/{target}/versions/1")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(teamB, $"api/prompts/{target}/render", """{"inputs":{"name":"x"}}""")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(teamB, $"api/prompts/{target}/versions", """{"model":"sim-small","messages":[{"role":"user","content":"x"}]}""")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(teamB, HttpMethod.Patch, $"api/prompts/{target}", """{"description":"mine now"}""")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(teamB, HttpMethod.Put, $"api/prompts/{target}/labels/staging", """{"version":1}""")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await SendAsync(teamB, HttpMethod.Delete, $"api/prompts/{target}/labels/production")).Status);
            Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(teamB, $"api/prompts/{target}/archive", "")).Status);
        }

        // The 404 reads exactly like a prompt that does not exist.
        var foreign = (await GetAsync(teamB, "api/prompts/greeting")).Body;
        var missing = (await GetAsync(teamB, "api/prompts/greetinh")).Body;
        Assert.Equal(missing.GetProperty("title").GetString(), foreign.GetProperty("title").GetString());

        Assert.Empty((await GetAsync(teamB, "api/prompts")).Body.GetProperty("items").EnumerateArray());
        Assert.Single((await GetAsync(teamA, "api/prompts")).Body.GetProperty("items").EnumerateArray());
        Assert.Single((await GetAsync(admin, "api/prompts")).Body.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(admin, "api/prompts/greeting/render", """{"inputs":{"name":"x"}}""")).Status);
        var untouched = (await GetAsync(teamA, "api/prompts/greeting")).Body;
        Assert.Equal("Says hello", untouched.GetProperty("description").GetString());
        Assert.False(untouched.GetProperty("archived").GetBoolean());
        Assert.Equal(1, untouched.GetProperty("latestVersion").GetInt32());
    }

    [Fact]
    public async Task KeysOfTheSameOwner_SharePrompts()
    {
        await using var server = await StartAsync();
        var (_, first) = await CreateKeyAsync(server, "a-ci", owner: "team-a");
        var (_, second) = await CreateKeyAsync(server, "a-app", owner: "team-a");
        await CreatePromptAsync(first, Greeting);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(second, "api/prompts/greeting/render", """{"inputs":{"name":"x"}}""")).Status);
        Assert.Equal(HttpStatusCode.Created, (await PostAsync(second, "api/prompts/greeting/versions", """{"model":"sim-small","messages":[{"role":"user","content":"x"}]}""")).Status);
    }

    [Fact]
    public async Task KeyWithoutOwner_SeesOnlyWhatItCreated()
    {
        await using var server = await StartAsync();
        var (_, loneA) = await CreateKeyAsync(server, "lone-a", owner: null);
        var (_, loneB) = await CreateKeyAsync(server, "lone-b", owner: null);
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, With(Greeting, "slug", "\"admins-own\""));
        var created = await CreatePromptAsync(loneA, Greeting);

        Assert.Equal(System.Text.Json.JsonValueKind.Null, created.GetProperty("owner").ValueKind);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(loneA, "api/prompts/greeting")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(loneB, "api/prompts/greeting")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(loneA, "api/prompts/admins-own")).Status);
        Assert.Equal(["greeting"], (await GetAsync(loneA, "api/prompts")).Body.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("slug").GetString()));
        Assert.Empty((await GetAsync(loneB, "api/prompts")).Body.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task Create_ForAnotherOwner_IsRefused_AdminMayNameAnyOwner()
    {
        await using var server = await StartAsync();
        var (_, teamA) = await CreateKeyAsync(server, "a-app", owner: "team-a");
        var (_, lone) = await CreateKeyAsync(server, "lone", owner: null);
        using var admin = server.CreateClient();

        var (status, problem) = await PostAsync(teamA, "api/prompts", With(Greeting, "owner", "\"team-b\""));
        var (loneStatus, _) = await PostAsync(lone, "api/prompts", With(Greeting, "owner", "\"team-a\""));
        var own = await CreatePromptAsync(teamA, With(With(Greeting, "owner", "\"team-a\""), "slug", "\"own\""));
        var forB = await CreatePromptAsync(admin, With(Greeting, "owner", "\"team-b\""));

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.True(Errors(problem).ContainsKey("owner"));
        Assert.Equal(HttpStatusCode.BadRequest, loneStatus);
        Assert.Equal("team-a", own.GetProperty("owner").GetString());
        Assert.Equal("team-b", forB.GetProperty("owner").GetString());
        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(teamA, "api/prompts/greeting")).Status);
    }
}
