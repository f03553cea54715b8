using System.Net;
using Gatehouse.Prompts;
using Gatehouse.Storage;
using Xunit;
using static Gatehouse.Tests.Prompts.PromptFixture;

namespace Gatehouse.Tests.Prompts;

/// <summary><c>POST /api/prompts/{idOrSlug}/render</c>: every input problem reported together by name as a 422, before any model is called.</summary>
public sealed class PromptRenderTests
{
    [Fact]
    public async Task Render_FillsTemplates_AppliesDefaults_AndShowsTheChatRequest()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);

        var (status, rendered) = await PostAsync(admin, "api/prompts/greeting/render", """
            {"inputs":{"name":"Ada","age":36.50,"vip":true,"topics":["math","engines"],"account":{"plan":"pro"}}}
            """);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(["Be warm. This is a VIP.", "Hello Ada (36.50)! #math #engines Plan: pro"], Contents(rendered));
        Assert.Equal("warm", rendered.GetProperty("inputs").GetProperty("tone").GetString());
        var request = rendered.GetProperty("request");
        Assert.Equal("sim-small", request.GetProperty("model").GetString());
        Assert.Equal(0.2, request.GetProperty("temperature").GetDouble());
        Assert.Equal(50, request.GetProperty("max_tokens").GetInt32());
        Assert.Equal("system", request.GetProperty("messages")[0].GetProperty("role").GetString());
        Assert.False(request.TryGetProperty("response_format", out _));
    }

    [Fact]
    public async Task Render_OptionalValuesLeftOut_RenderEmpty_AndBooleansAndObjectsReadAsJson()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, """
            { "slug": "values", "model": "sim-small",
              "variables": [{ "name": "flag", "type": "boolean" }, { "name": "data", "type": "object" }, { "name": "list", "type": "array" }, { "name": "note", "type": "string" }],
              "messages": [{ "role": "user", "content": "[{{flag}}] [{{data}}] [{{list}}] [{{note}}]" }] }
            """);

        var empty = (await PostAsync(admin, "api/prompts/values/render", """{"inputs":{}}""")).Body;
        var given = (await PostAsync(admin, "api/prompts/values/render", """{"inputs":{"flag":false,"data":{ "a" : [1, "é"] },"list":[true,null],"note":null}}""")).Body;

        Assert.Equal(["[] [] [] []"], Contents(empty));
        Assert.Equal(["[false] [{\"a\":[1,\"é\"]}] [[true,null]] []"], Contents(given));
    }

    [Theory]
    [InlineData("name", "42", "a string")]
    [InlineData("age", "\"forty\"", "a number")]
    [InlineData("vip", "\"true\"", "a boolean")]
    [InlineData("tone", "\"angry\"", "warm, dry")]
    [InlineData("tone", "1", "one of the allowed strings")]
    [InlineData("topics", "{\"a\":1}", "an array")]
    [InlineData("account", "[1]", "an object")]
    public async Task Render_WrongType_Is422NamingTheVariable(string variable, string value, string expected)
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);
        var inputs = variable == "name" ? $"{{\"name\":{value}}}" : $"{{\"name\":\"Ada\",\"{variable}\":{value}}}";

        var (status, problem) = await PostAsync(admin, "api/prompts/greeting/render", $"{{\"inputs\":{inputs}}}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var errors = Errors(problem);
        Assert.Equal([$"inputs.{variable}"], errors.Keys);
        Assert.Contains(expected, errors[$"inputs.{variable}"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_MissingRequired_Is422()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);

        var (status, problem) = await PostAsync(admin, "api/prompts/greeting/render", """{"inputs":{"name":null}}""");
        var (noInputsStatus, noInputs) = await PostAsync(admin, "api/prompts/greeting/render", "{}");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("missing", Errors(problem)["inputs.name"][0], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.UnprocessableEntity, noInputsStatus);
        Assert.Equal(["inputs.name"], Errors(noInputs).Keys);
    }

    [Fact]
    public async Task Render_UnknownVariable_Is422NamingIt()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);

        var (status, problem) = await PostAsync(admin, "api/prompts/greeting/render", """{"inputs":{"name":"Ada","nickname":"A"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("Unknown variable 'nickname'", Errors(problem)["inputs.nickname"][0], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Render_SeveralProblems_AreAllReportedTogether()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);

        var (status, problem) = await PostAsync(admin, "api/prompts/greeting/render", """{"inputs":{"age":"old","vip":1,"tone":"loud","topics":"x","account":"y","extra":true}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Equal(
            ["inputs.account", "inputs.age", "inputs.extra", "inputs.name", "inputs.tone", "inputs.topics", "inputs.vip"],
            Errors(problem).Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Render_StoredTemplateWithSyntaxError_IsReportedWithTheInputProblems()
    {
        // The API refuses such templates; a version stored by another build could still hold one.
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        var prompt = await CreatePromptAsync(admin, Greeting);
        var store = server.GetService<IPromptStore>();
        var broken = new PromptDefinition
        {
            Model = "sim-small",
            Variables = [new PromptVariable { Name = "name", Type = "string", Required = true }],
            Messages = [new PromptMessageTemplate { Role = "user", Content = "Hi {{name}}" }, new PromptMessageTemplate { Role = "user", Content = "{{#each name}}unclosed" }],
        };
        var version = PromptService.NewVersion(prompt.GetProperty("id").GetString()!, broken, null, Gatehouse.Keys.CallerIdentity.Master, DateTimeOffset.UtcNow);
        await store.AddVersionAsync(version, ["broken"], Ct);

        var (status, problem) = await PostAsync(admin, "api/prompts/greeting/render", """{"label":"broken","inputs":{"nope":1}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var errors = Errors(problem);
        Assert.Equal(["inputs.name", "inputs.nope", "messages[1].content"], errors.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("syntax", errors["messages[1].content"][0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Render_UnknownPromptLabelOrVersion_AndBoth_AreProblems()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, Greeting);

        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(admin, "api/prompts/nope/render", "{}")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(admin, "api/prompts/greeting/render", """{"label":"canary"}""")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await PostAsync(admin, "api/prompts/greeting/render", """{"version":9}""")).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(admin, "api/prompts/greeting/render", """{"version":1,"label":"production"}""")).Status);
    }

    [Fact]
    public async Task Render_WithOutputSchema_AddsResponseFormatAndRepairSettings()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, """
            { "slug": "structured", "model": "sim-small",
              "messages": [{ "role": "user", "content": "Give me a city" }],
              "tools": [{ "type": "function", "function": { "name": "lookup_city", "parameters": { "type": "object", "properties": { "q": { "type": "string" } } } } }],
              "output": { "name": "city", "strict": true, "maxRepairAttempts": 3, "schema": { "type": "object", "properties": { "city": { "type": "string" } }, "required": ["city"] } } }
            """);

        var rendered = (await PostAsync(admin, "api/prompts/structured/render", "{}")).Body;

        var format = rendered.GetProperty("request").GetProperty("response_format");
        Assert.Equal("json_schema", format.GetProperty("type").GetString());
        Assert.Equal("city", format.GetProperty("json_schema").GetProperty("name").GetString());
        Assert.True(format.GetProperty("json_schema").GetProperty("strict").GetBoolean());
        Assert.Equal("object", format.GetProperty("json_schema").GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal(3, rendered.GetProperty("maxRepairAttempts").GetInt32());
        Assert.Equal("lookup_city", rendered.GetProperty("request").GetProperty("tools")[0].GetProperty("function").GetProperty("name").GetString());
    }
}
