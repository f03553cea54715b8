using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;
using static Gatehouse.Tests.Budgets.BudgetFixture;

namespace Gatehouse.Tests.Budgets;

/// <summary><c>/api/budgets</c>: admin-only CRUD with current spend, ProblemDetails for every refusal.</summary>
public sealed class BudgetApiTests
{
    [Fact]
    public async Task Create_Get_List_Update_Delete()
    {
        await using var server = await GatehouseServer.StartAsync(configure: FixedBudgetClock);
        var (keyId, _) = await CreateKeyAsync(server, "app", owner: "team-a");
        using var admin = server.CreateClient();

        var created = await CreateBudgetAsync(server, new { name = "app daily", keyId, period = "day", limitUsd = 2.5m });
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("bud_", id, StringComparison.Ordinal);
        Assert.Equal("key", created.GetProperty("scope").GetString());
        Assert.Equal(keyId, created.GetProperty("keyId").GetString());
        Assert.Equal(JsonValueKind.Null, created.GetProperty("owner").ValueKind);
        Assert.Equal("day", created.GetProperty("period").GetString());
        Assert.Equal(2.5m, Usd(created, "limitUsd"));
        Assert.Equal([50m, 80m, 100m], created.GetProperty("alertThresholds").EnumerateArray().Select(t => t.GetDecimal()));
        Assert.Equal(0m, Usd(created, "spentUsd"));
        Assert.Equal(2.5m, Usd(created, "remainingUsd"));
        var periodStart = created.GetProperty("periodStart").GetDateTimeOffset();
        Assert.Equal(TimeSpan.Zero, periodStart.TimeOfDay);
        Assert.Equal(periodStart.AddDays(1), created.GetProperty("resetsAt").GetDateTimeOffset());

        var owner = await CreateBudgetAsync(server, new { owner = "team-a", period = "total", limitUsd = 100, alertThresholds = new[] { 90m, 25m } });
        Assert.Equal([25m, 90m], owner.GetProperty("alertThresholds").EnumerateArray().Select(t => t.GetDecimal()));
        Assert.Equal(JsonValueKind.Null, owner.GetProperty("periodStart").ValueKind);
        Assert.Equal(JsonValueKind.Null, owner.GetProperty("resetsAt").ValueKind);

        Assert.Equal(id, (await GetBudgetAsync(server, id)).GetProperty("id").GetString());
        var all = JsonDocument.Parse(await admin.GetStringAsync("api/budgets", Ct)).RootElement;
        Assert.Equal(2, all.GetArrayLength());
        var forOwner = JsonDocument.Parse(await admin.GetStringAsync("api/budgets?owner=team-a", Ct)).RootElement;
        Assert.Equal(owner.GetProperty("id").GetString(), Assert.Single(forOwner.EnumerateArray()).GetProperty("id").GetString());
        var forKey = JsonDocument.Parse(await admin.GetStringAsync($"api/budgets?keyId={keyId}", Ct)).RootElement;
        Assert.Equal(id, Assert.Single(forKey.EnumerateArray()).GetProperty("id").GetString());

        using var patched = await admin.PatchAsJsonAsync($"api/budgets/{id}", new { limitUsd = 5m, alertThresholds = new[] { 75m } }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        var updated = JsonDocument.Parse(await patched.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.Equal(5m, Usd(updated, "limitUsd"));
        Assert.Equal([75m], updated.GetProperty("alertThresholds").EnumerateArray().Select(t => t.GetDecimal()));
        Assert.Equal("app daily", updated.GetProperty("name").GetString());

        using (var deleted = await admin.DeleteAsync($"api/budgets/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        using var gone = await admin.GetAsync($"api/budgets/{id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal("application/problem+json", gone.Content.Headers.ContentType?.MediaType);
        using var deletedAgain = await admin.DeleteAsync($"api/budgets/{id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, deletedAgain.StatusCode);
        using var patchGone = await admin.PatchAsJsonAsync($"api/budgets/{id}", new { limitUsd = 1m }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.NotFound, patchGone.StatusCode);
    }

    [Theory]
    [InlineData("""{"period":"day","limitUsd":1}""", "keyId")]
    [InlineData("""{"keyId":"K","owner":"team","period":"day","limitUsd":1}""", "owner")]
    [InlineData("""{"keyId":"key_missing","period":"day","limitUsd":1}""", "keyId")]
    [InlineData("""{"owner":"team","period":"week","limitUsd":1}""", "period")]
    [InlineData("""{"owner":"team","limitUsd":1}""", "period")]
    [InlineData("""{"owner":"team","period":"day"}""", "limitUsd")]
    [InlineData("""{"owner":"team","period":"day","limitUsd":0}""", "limitUsd")]
    [InlineData("""{"owner":"team","period":"day","limitUsd":-3}""", "limitUsd")]
    [InlineData("""{"owner":"team","period":"day","limitUsd":2000000}""", "limitUsd")]
    [InlineData("""{"owner":"team","period":"day","limitUsd":1,"alertThresholds":[50,150]}""", "alertThresholds")]
    [InlineData("""{"owner":"team","period":"day","limitUsd":1,"alertThresholds":[0]}""", "alertThresholds")]
    [InlineData("""{"owner":"team","period":"day","limitUsd":1,"alertThresholds":[80,80]}""", "alertThresholds")]
    [InlineData("""{"owner":"team","period":"day","limitUsd":1,"name":"  "}""", "name")]
    public async Task Create_InvalidBody_IsAValidationProblemNamingTheField(string body, string field)
    {
        await using var server = await GatehouseServer.StartAsync(configure: FixedBudgetClock);
        using var admin = server.CreateClient();

        using var response = await admin.PostAsync("api/budgets", GatehouseServer.Json(body.Replace("\"K\"", "\"master\"", StringComparison.Ordinal)), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), errors.ToString());
        Assert.NotEmpty(messages.EnumerateArray().Single().GetString()!);
    }

    [Fact]
    public async Task Update_Invalid_IsAValidationProblem_AndChangesNothing()
    {
        await using var server = await GatehouseServer.StartAsync(configure: FixedBudgetClock);
        var id = (await CreateBudgetAsync(server, new { owner = "team", period = "month", limitUsd = 10 })).GetProperty("id").GetString()!;
        using var admin = server.CreateClient();

        using var negative = await admin.PatchAsync($"api/budgets/{id}", GatehouseServer.Json("""{"limitUsd":-1}"""), Ct);
        using var empty = await admin.PatchAsync($"api/budgets/{id}", GatehouseServer.Json("{}"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, negative.StatusCode);
        Assert.True(JsonDocument.Parse(await negative.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("errors").TryGetProperty("limitUsd", out _));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Equal(10m, Usd(await GetBudgetAsync(server, id), "limitUsd"));
    }

    [Fact]
    public async Task SecondBudgetForTheSameSubjectAndPeriod_IsAConflict()
    {
        await using var server = await GatehouseServer.StartAsync(configure: FixedBudgetClock);
        await CreateBudgetAsync(server, new { keyId = "master", period = "day", limitUsd = 1 });
        using var admin = server.CreateClient();

        using var again = await admin.PostAsJsonAsync("api/budgets", new { keyId = "master", period = "day", limitUsd = 2 }, TestJson.Options, Ct);
        using var otherPeriod = await admin.PostAsJsonAsync("api/budgets", new { keyId = "master", period = "month", limitUsd = 2 }, TestJson.Options, Ct);

        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("already has a day budget", JsonDocument.Parse(await again.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Created, otherPeriod.StatusCode);
    }

    [Fact]
    public async Task VirtualKey_IsForbidden_AndNoKey_IsUnauthorized()
    {
        await using var server = await GatehouseServer.StartAsync(configure: FixedBudgetClock);
        var (_, client) = await CreateKeyAsync(server, "not-admin");
        using var anonymous = server.CreateClient(key: null);

        using var forbidden = await client.GetAsync("api/budgets", Ct);
        using var unauthorized = await anonymous.PostAsync("api/budgets", GatehouseServer.Json("""{"owner":"x","period":"day","limitUsd":1}"""), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }

    [Fact]
    public async Task DeletedBudget_NoLongerLimitsCalls()
    {
        await using var fixture = await BudgetFixture.StartAsync();
        await using var server = await GatehouseServer.StartAsync(fixture.Config(), configure: FixedBudgetClock);
        var (keyId, client) = await CreateKeyAsync(server, "freed");
        var id = (await CreateBudgetAsync(server, new { keyId, period = "total", limitUsd = 0.000001m })).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.TooManyRequests, (await CallAsync(client)).Status);

        using var admin = server.CreateClient();
        using var deleted = await admin.DeleteAsync($"api/budgets/{id}", Ct);

        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
    }

    [Fact]
    public async Task RaisedLimit_AdmitsAgain()
    {
        await using var fixture = await BudgetFixture.StartAsync();
        await using var server = await GatehouseServer.StartAsync(fixture.Config(), configure: FixedBudgetClock);
        var (keyId, client) = await CreateKeyAsync(server, "raised");
        var id = (await CreateBudgetAsync(server, new { keyId, period = "total", limitUsd = CallCost })).GetProperty("id").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await CallAsync(client)).Status);

        using var admin = server.CreateClient();
        using var patched = await admin.PatchAsJsonAsync($"api/budgets/{id}", new { limitUsd = 2 * CallCost }, TestJson.Options, Ct);

        Assert.Equal(CallCost, Usd(JsonDocument.Parse(await patched.Content.ReadAsStringAsync(Ct)).RootElement, "remainingUsd"));
        Assert.Equal(HttpStatusCode.OK, (await CallAsync(client)).Status);
        Assert.Equal(2 * CallCost, Usd(await SettledBudgetAsync(server, id), "spentUsd"));
    }
}
