using System.Net;
using System.Text;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;
using static Gatehouse.Tests.Prompts.PromptFixture;

namespace Gatehouse.Tests.Prompts;

/// <summary>
/// <c>POST /api/prompts/{idOrSlug}/execute</c> end to end on the simulator: render, run through the
/// gateway as the caller, validate against the version's schema, store the execution.
/// </summary>
public sealed class PromptExecuteTests
{
    private const string DemoConfig = """
        { "Gatehouse": { "Deployments": {
            "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
            "sim-medium": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
            "sim-large": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } } } } }
        """;

    private const string CodeReviewInputs = """{"inputs":{"language":"python","code":"def add(a, b): return a - b"}}""";

    [Fact]
    public async Task ExecutingADemoPrompt_RunsThroughTheGateway_ValidatesItsOutput_AndIsStored()
    {
        await using var server = await GatehouseServer.StartAsync(DemoConfig);
        using var admin = server.CreateClient();

        var (status, execution) = await PostAsync(admin, "api/prompts/code-review/execute", CodeReviewInputs);

        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("completed", execution.GetProperty("status").GetString());
        Assert.Equal("passed", execution.GetProperty("validationStatus").GetString());
        Assert.Equal(JsonValueKind.Object, execution.GetProperty("output").ValueKind);
        Assert.Equal("code-review", execution.GetProperty("promptSlug").GetString());
        Assert.True(execution.GetProperty("costUsd").GetDecimal() > 0);
        var id = execution.GetProperty("id").GetString();

        // One ordinary request record per attempt, and the execution in history under its prompt and version.
        var attempt = execution.GetProperty("attempts")[0].GetProperty("requestId").GetString();
        var records = await server.WaitForRecordsAsync(1);
        Assert.Contains(records, r => r.Id.ToString() == attempt);
        var version = execution.GetProperty("promptVersionId").GetString();
        var history = (await GetAsync(admin, $"api/executions?prompt=code-review&version={version}")).Body.GetProperty("items");
        Assert.Equal(id, Assert.Single(history.EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task InvalidInputs_Are422_AndNothingRunsOrIsStored()
    {
        await using var server = await GatehouseServer.StartAsync(DemoConfig);
        using var admin = server.CreateClient();

        var (status, problem) = await PostAsync(admin, "api/prompts/support-reply/execute", """{"inputs":{"customer_name":"Ann","tone":"sarcastic","extra":1}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        var errors = Errors(problem);
        Assert.Contains("inputs.message", errors.Keys);
        Assert.Contains("inputs.tone", errors.Keys);
        Assert.Contains("inputs.extra", errors.Keys);
        Assert.Empty((await GetAsync(admin, "api/executions")).Body.GetProperty("items").EnumerateArray());
        Assert.Empty((await GetAsync(admin, "api/requests")).Body.GetProperty("items").EnumerateArray());
    }

    [Theory]
    [InlineData("""{"inputs":{},"overrides":{"temperature":3}}""", "overrides.temperature")]
    [InlineData("""{"inputs":{},"overrides":{"maxTokens":0}}""", "overrides.maxTokens")]
    [InlineData("""{"inputs":{},"label":"production","version":1}""", null)]
    public async Task BadOverridesOrAmbiguousVersions_AreProblems(string body, string? field)
    {
        await using var server = await GatehouseServer.StartAsync(DemoConfig);

        var (status, problem) = await PostAsync(server.CreateClient(), "api/prompts/code-review/execute", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        if (field is not null)
        {
            Assert.Contains(field, Errors(problem).Keys);
        }
    }

    [Fact]
    public async Task AnotherOwnersPrompt_Is404()
    {
        await using var server = await GatehouseServer.StartAsync(DemoConfig);
        using var admin = server.CreateClient();
        var (_, key) = await PostAsync(admin, "api/keys", """{"name":"team-b","owner":"team-b"}""");
        using var teamB = server.CreateClient(key.GetProperty("key").GetString());

        // The demo prompts have no owner: only the admin sees them.
        var (status, _) = await PostAsync(teamB, "api/prompts/code-review/execute", CodeReviewInputs);

        Assert.Equal(HttpStatusCode.NotFound, status);
    }

    [Fact]
    public async Task Streaming_SendsTheTextAsItComes_ThenTheStoredExecution()
    {
        await using var server = await GatehouseServer.StartAsync(DemoConfig);
        using var admin = server.CreateClient();

        using var response = await admin.PostAsync("api/prompts/code-review/execute", GatehouseServer.Json(CodeReviewInputs.Replace("}}", "},\"stream\":true}", StringComparison.Ordinal)), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.True(events.Count(e => e.StartsWith("event: delta", StringComparison.Ordinal)) > 1);
        var last = events[^1];
        Assert.StartsWith("event: execution", last, StringComparison.Ordinal);
        using var execution = JsonDocument.Parse(last[(last.IndexOf("data: ", StringComparison.Ordinal) + 6)..]);
        Assert.Equal("completed", execution.RootElement.GetProperty("status").GetString());

        // The deltas, joined, are the output the execution stored.
        var joined = new StringBuilder();
        foreach (var delta in events.Where(e => e.StartsWith("event: delta", StringComparison.Ordinal)))
        {
            using var data = JsonDocument.Parse(delta[(delta.IndexOf("data: ", StringComparison.Ordinal) + 6)..]);
            joined.Append(data.RootElement.GetProperty("text").GetString());
        }

        Assert.Equal(execution.RootElement.GetProperty("rawOutput").GetString(), joined.ToString());
    }
}
