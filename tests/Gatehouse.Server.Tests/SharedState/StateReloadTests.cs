using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.SharedState;
using Gatehouse.Tests.Support;
using Xunit;
using static Gatehouse.Tests.Support.ReplicaPair;

namespace Gatehouse.Tests.SharedState;

/// <summary>
/// Without a shared bus (the in-process default) two replicas on one store converge through the
/// reload from the store: what A changes, B applies once it reloads, and not before (no notice
/// crosses between processes in process mode, and a notice never carries the value).
/// </summary>
public sealed class StateReloadTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    // The periodic reload off, so each test decides when B reloads.
    private static readonly string[] NoTimer = ["--Gatehouse:SharedState:ReloadSeconds=0"];

    [Fact]
    public async Task KeyRevokedOnA_StillAdmittedOnB_UntilBReloads_ThenRefused()
    {
        await using var pair = await StartAsync(NoTimer);
        var (id, secret) = await CreateKeyAsync(pair.A, "app");
        Assert.Equal(HttpStatusCode.Unauthorized, await KeyStatusAsync(pair.B, secret)); // B loaded its keys before the key existed
        await pair.B.GetService<StateReloader>().ReloadAllAsync(Ct);
        Assert.Equal(HttpStatusCode.OK, await KeyStatusAsync(pair.B, secret));

        using var admin = pair.A.CreateClient();
        using (var revoked = await admin.DeleteAsync($"api/keys/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await KeyStatusAsync(pair.A, secret));
        Assert.Equal(HttpStatusCode.OK, await KeyStatusAsync(pair.B, secret));
        await pair.B.GetService<StateReloader>().ApplyAsync(StateChange.Key(id), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, await KeyStatusAsync(pair.B, secret));
    }

    [Fact]
    public async Task BudgetLimitChangedAndDeletedOnA_AppliedOnBAfterReload()
    {
        await using var pair = await StartAsync(NoTimer);
        var (keyId, _) = await CreateKeyAsync(pair.A, "app");
        using var adminA = pair.A.CreateClient();
        using var adminB = pair.B.CreateClient();
        using var created = await adminA.PostAsJsonAsync("api/budgets", new { keyId, period = "day", limitUsd = 2m }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var id = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("id").GetString()!;

        await pair.B.GetService<StateReloader>().ApplyAsync(StateChange.Budget(id), Ct);
        Assert.Equal(2m, await LimitOnAsync(adminB, id));

        using (var patched = await adminA.PatchAsJsonAsync($"api/budgets/{id}", new { limitUsd = 7.5m }, TestJson.Options, Ct))
        {
            Assert.Equal(HttpStatusCode.OK, patched.StatusCode);
        }

        Assert.Equal(2m, await LimitOnAsync(adminB, id));
        await pair.B.GetService<StateReloader>().ApplyAsync(StateChange.Budget(id), Ct);
        Assert.Equal(7.5m, await LimitOnAsync(adminB, id));

        using (var deleted = await adminA.DeleteAsync($"api/budgets/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        await pair.B.GetService<StateReloader>().ReloadAllAsync(Ct);
        using var gone = await adminB.GetAsync($"api/budgets/{id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
    }

    [Fact]
    public async Task LevelPinnedOnA_AppliedOnBAfterReload()
    {
        await using var pair = await StartAsync(NoTimer);
        using var adminA = pair.A.CreateClient();
        using var adminB = pair.B.CreateClient();
        using (var pinned = await adminA.PutAsync("api/degradation", GatehouseServer.Json("""{"level":"basic","reason":"drill"}"""), Ct))
        {
            Assert.True(pinned.IsSuccessStatusCode);
        }

        Assert.Equal("full", await LevelOnAsync(adminB));
        await pair.B.GetService<StateReloader>().ApplyAsync(StateChange.Setting("degradation.pinned"), Ct);
        Assert.Equal("basic", await LevelOnAsync(adminB));
    }

    [Fact]
    public async Task PeriodicReload_ConvergesWithoutAnyNotice()
    {
        await using var pair = await StartAsync(["--Gatehouse:SharedState:ReloadSeconds=1"]);
        var (id, secret) = await CreateKeyAsync(pair.A, "app");
        Assert.True(await EventuallyAsync(async () => await KeyStatusAsync(pair.B, secret) == HttpStatusCode.OK, TimeSpan.FromSeconds(15)));

        using var admin = pair.A.CreateClient();
        using (var revoked = await admin.DeleteAsync($"api/keys/{id}", Ct))
        {
            Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        }

        Assert.True(await EventuallyAsync(async () => await KeyStatusAsync(pair.B, secret) == HttpStatusCode.Unauthorized, TimeSpan.FromSeconds(15)));
    }

    [Fact]
    public async Task ReloadSeconds_OutOfRange_FailsAtStartNamingTheKey()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => GatehouseServer.StartAsync(extraArgs: ["--Gatehouse:SharedState:ReloadSeconds=-1"]));
        Assert.Contains("SharedState:ReloadSeconds", failure.ToString(), StringComparison.Ordinal);
    }

    internal static async Task<decimal> LimitOnAsync(HttpClient admin, string budgetId) =>
        JsonDocument.Parse(await admin.GetStringAsync($"api/budgets/{budgetId}", Ct)).RootElement.GetProperty("limitUsd").GetDecimal();

    internal static async Task<string> LevelOnAsync(HttpClient admin) =>
        JsonDocument.Parse(await admin.GetStringAsync("api/degradation", Ct)).RootElement.GetProperty("level").GetString()!;
}
