using System.Text.Json;
using Gatehouse.Executions;
using Gatehouse.Tests.Support;
using Json.Schema;
using Xunit;
using static Gatehouse.Tests.Executions.ExecutionFixture;

namespace Gatehouse.Tests.Executions;

/// <summary>The execution engine on real servers: the simulator, and a fake upstream whose answers each test chooses.</summary>
public sealed class ExecutionEngineTests
{
    [Fact]
    public async Task Simulator_WithSchema_CompletesWithSchemaValidOutput_AndLeavesAnOrdinaryRequestRecord()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var engine = server.GetService<ExecutionEngine>();

        var execution = await engine.ExecuteAsync(Request(Admin(server), ReviewCall()), cancellationToken: Ct);

        Assert.Equal(ExecutionStatuses.Completed, execution.Status);
        Assert.Equal(ValidationStatuses.Passed, execution.ValidationStatus);
        Assert.Null(execution.ErrorClass);
        Assert.Equal(JsonValueKind.Object, execution.Output!.Value.ValueKind);
        Assert.True(JsonSchema.FromText(ReviewSchema).Evaluate(execution.Output.Value).IsValid, execution.RawOutput);
        Assert.Equal("sim-small", execution.Deployment);
        var attempt = Assert.Single(execution.Attempts);

        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(attempt.RequestId, record.Id);
        Assert.Equal("chat.completions", record.Endpoint);
        Assert.Equal("master", record.KeyId);
        Assert.Equal(record.CostUsd, execution.CostUsd);
        Assert.True(execution.CostUsd > 0);
        Assert.Equal(record.InputTokens, execution.InputTokens);
        Assert.Equal(record.OutputTokens, execution.OutputTokens);

        // Stored as returned.
        using var admin = server.CreateClient();
        var stored = await GetJsonAsync(admin, $"api/executions/{execution.Id}");
        Assert.Equal("completed", stored.GetProperty("status").GetString());
        Assert.Equal("prm_review", stored.GetProperty("promptId").GetString());
        Assert.Equal("+x = 1", stored.GetProperty("inputs").GetProperty("diff").GetString());
        Assert.Equal(execution.Output.Value.GetRawText(), stored.GetProperty("output").GetRawText());
        Assert.Equal(record.Id.ToString(), stored.GetProperty("attempts")[0].GetProperty("requestId").GetString());
    }

    [Fact]
    public async Task Streamed_DeltasArriveLive_AndAddUpToTheValidatedOutput()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var deltas = new List<ExecutionDelta>();

        var execution = await server.GetService<ExecutionEngine>().ExecuteAsync(
            Request(Admin(server), ReviewCall()) with { Stream = true }, deltas.Add, Ct);

        Assert.Equal(ExecutionStatuses.Completed, execution.Status);
        Assert.Equal(ValidationStatuses.Passed, execution.ValidationStatus);
        Assert.True(execution.Streamed);
        Assert.True(deltas.Count > 1);
        Assert.All(deltas, d => Assert.Equal(1, d.Attempt));
        Assert.Equal(execution.RawOutput, string.Concat(deltas.Select(d => d.Text)));
        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.True(record.Streamed);
        Assert.Equal(record.CostUsd, execution.CostUsd);
        Assert.True(execution.OutputTokens > 0);
    }

    [Fact]
    public async Task InvalidJsonFirst_IsRepairedOnTheSecondAttempt_WithTheErrorsFedBack()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var calls = 0;
        upstream.Handler = (context, _) => AnswerAsync(context, Interlocked.Increment(ref calls) == 1 ? "Sure! {\"verdict\": approve" : ValidReview);
        await using var server = await GatehouseServer.StartAsync(upstream.Config("fake-model"));

        var execution = await server.GetService<ExecutionEngine>().ExecuteAsync(Request(Admin(server), ReviewCall("fake-model", maxRepairAttempts: 2)), cancellationToken: Ct);

        Assert.Equal(ExecutionStatuses.Completed, execution.Status);
        Assert.Equal(ValidationStatuses.Passed, execution.ValidationStatus);
        Assert.Equal(1, execution.RepairCount);
        Assert.Equal(2, execution.Attempts.Count);
        Assert.Equal(ValidationStatuses.Failed, execution.Attempts[0].ValidationStatus);
        Assert.Contains("not valid JSON", Assert.Single(execution.Attempts[0].ValidationErrors).Message, StringComparison.Ordinal);
        Assert.Equal(ValidationStatuses.Passed, execution.Attempts[1].ValidationStatus);
        Assert.Equal(8, execution.Output!.Value.GetProperty("score").GetInt32());

        // The repair call carried the failed answer and what was wrong with it.
        var second = upstream.Received.ToArray()[1];
        var messages = JsonDocument.Parse(second.Body).RootElement.GetProperty("messages");
        Assert.Equal(4, messages.GetArrayLength());
        Assert.Equal("Sure! {\"verdict\": approve", messages[2].GetProperty("content").GetString());
        Assert.Contains("not valid JSON", messages[3].GetProperty("content").GetString(), StringComparison.Ordinal);
        Assert.Equal("json_schema", JsonDocument.Parse(second.Body).RootElement.GetProperty("response_format").GetProperty("type").GetString());

        // Every attempt is a request record, and the execution's cost is their sum.
        var records = await server.WaitForRecordsAsync(2);
        Assert.Equal(execution.Attempts.Select(a => a.RequestId!.Value).Order(), records.Select(r => r.Id).Order());
        Assert.Equal(records.Sum(r => r.CostUsd), execution.CostUsd);
        Assert.Equal(240, execution.InputTokens + execution.OutputTokens);
    }

    [Fact]
    public async Task SchemaViolations_AfterEveryRepair_EndValidationFailed_WithTheErrors()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (context, _) => AnswerAsync(context, """{"verdict":"maybe","score":"high","comments":[]}""");
        await using var server = await GatehouseServer.StartAsync(upstream.Config("fake-model"));

        var execution = await server.GetService<ExecutionEngine>().ExecuteAsync(Request(Admin(server), ReviewCall("fake-model", maxRepairAttempts: 2)), cancellationToken: Ct);

        Assert.Equal(ExecutionStatuses.ValidationFailed, execution.Status);
        Assert.Equal(ExecutionErrors.Validation, execution.ErrorClass);
        Assert.False(execution.Retryable);
        Assert.Equal(ValidationStatuses.Failed, execution.ValidationStatus);
        Assert.Equal(3, execution.Attempts.Count);
        Assert.Equal(2, execution.RepairCount);
        Assert.Equal(3, upstream.Received.Count);
        Assert.Contains(execution.ValidationErrors, e => e.Path == "/score");
        Assert.Contains(execution.ValidationErrors, e => e.Path == "/verdict");
        Assert.All(execution.Attempts, a => Assert.Equal(ValidationStatuses.Failed, a.ValidationStatus));
        Assert.Equal("high", execution.Output!.Value.GetProperty("score").GetString());
        Assert.Equal(3, (await server.WaitForRecordsAsync(3)).Count);
    }

    [Theory]
    [InlineData(500, 502, "upstream_error", ExecutionErrors.UpstreamError)]
    [InlineData(429, 429, "upstream_rate_limited", ExecutionErrors.RateLimit)]
    [InlineData(400, 400, null, ExecutionErrors.InvalidRequest)]
    public async Task UpstreamFailure_IsClassified_AndTheFailedCallIsTheAttempt(int status, int gatewayStatus, string? gatewayClass, string expected)
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"nope","type":"server_error"}}""", status);
        await using var server = await GatehouseServer.StartAsync(upstream.Config("fake-model"));

        var execution = await server.GetService<ExecutionEngine>().ExecuteAsync(Request(Admin(server), ReviewCall("fake-model", maxRepairAttempts: 2)), cancellationToken: Ct);

        Assert.Equal(ExecutionStatuses.Failed, execution.Status);
        Assert.Equal(expected, execution.ErrorClass);
        Assert.Equal(expected != ExecutionErrors.InvalidRequest, execution.Retryable);
        Assert.Equal(ValidationStatuses.Skipped, execution.ValidationStatus);
        Assert.Null(execution.Output);
        var attempt = Assert.Single(execution.Attempts);
        Assert.Equal(gatewayStatus, attempt.StatusCode);
        if (gatewayClass is not null)
        {
            Assert.Equal(gatewayClass, attempt.ErrorClass);
        }

        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(attempt.RequestId, record.Id);
        Assert.Equal(gatewayStatus, record.StatusCode);
    }

    [Fact]
    public async Task ModelTheKeyMayNotUse_FailsAsInvalidRequest_AsTheKeysOwnCallWould()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();
        using var created = await admin.PostAsync("api/keys", GatehouseServer.Json("""{"name":"narrow","allowedModels":["sim-medium"]}"""), Ct);
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("key").GetString()!;

        var execution = await server.GetService<ExecutionEngine>().ExecuteAsync(Request(CallerFor(server, secret), ReviewCall("sim-small")), cancellationToken: Ct);

        Assert.Equal(ExecutionStatuses.Failed, execution.Status);
        Assert.Equal(ExecutionErrors.InvalidRequest, execution.ErrorClass);
        Assert.Equal("model_not_allowed", Assert.Single(execution.Attempts).ErrorClass);
        Assert.Equal(403, (await server.WaitForRecordsAsync(1)).Single().StatusCode);
    }

    [Fact]
    public async Task Overrides_ReplaceModelTemperatureAndMaxTokens_AndKeepOtherParameters()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        upstream.Handler = (context, _) => AnswerAsync(context, ValidReview);
        await using var server = await GatehouseServer.StartAsync(upstream.Config("fake-model"));
        var call = ReviewCall("sim-small") with { Parameters = JsonOf("""{"temperature":0.2,"max_tokens":200,"seed":7}""") };

        var execution = await server.GetService<ExecutionEngine>().ExecuteAsync(
            Request(Admin(server), call) with { Overrides = new ExecutionOverrides("fake-model", 0.9, 50) }, cancellationToken: Ct);

        Assert.Equal("fake-model", execution.Model);
        var sent = JsonDocument.Parse(Assert.Single(upstream.Received).Body).RootElement;
        Assert.Equal(0.9, sent.GetProperty("temperature").GetDouble());
        Assert.Equal(50, sent.GetProperty("max_tokens").GetInt32());
        Assert.Equal(7, sent.GetProperty("seed").GetInt32());
    }

    [Fact]
    public async Task KeyRevokedAfterItWasAuthenticated_FailsAsUnauthorized_WithNoModelCallAndNoRecord()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var (id, caller, _) = await CreateKeyAsync(server, "soon-revoked", "team-a");
        using var admin = server.CreateClient();
        using var revoked = await admin.PostAsync($"api/keys/{id}/revoke", null, Ct);
        Assert.True(revoked.IsSuccessStatusCode);

        var execution = await server.GetService<ExecutionEngine>().ExecuteAsync(Request(caller, ReviewCall()), cancellationToken: Ct);

        Assert.Equal(ExecutionStatuses.Failed, execution.Status);
        Assert.Equal(ExecutionErrors.Unauthorized, execution.ErrorClass);
        Assert.Null(Assert.Single(execution.Attempts).RequestId);
        Assert.Equal(0m, execution.CostUsd);
        Assert.Equal(execution.Id.ToString(), (await GetJsonAsync(admin, $"api/executions/{execution.Id}")).GetProperty("id").GetString());
    }
}
