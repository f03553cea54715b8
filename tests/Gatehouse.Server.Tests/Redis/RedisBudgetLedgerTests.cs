using Gatehouse.Budgets;
using Gatehouse.Configuration;
using Gatehouse.Redis;
using Gatehouse.Tests.SharedState;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;
using Xunit;

namespace Gatehouse.Tests.Redis;

/// <summary>
/// The shared budget ledger on a real Redis, with several "replicas" (each its own
/// <see cref="BudgetLedger"/> and connection) reserving against the same budget: all-or-none holds
/// across replicas, one count per settlement, holds of a killed replica returning, a Redis that lost
/// its data re-seeded from what the replicas know, alerts sent once, and the failure policy.
/// </summary>
public sealed class RedisBudgetLedgerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Budget NewBudget(decimal limitUsd, BudgetPeriod period = BudgetPeriod.Total, IReadOnlyList<decimal>? thresholds = null) => new()
    {
        Id = Budget.NewId(),
        Scope = BudgetScope.Key,
        Subject = "key_app",
        Period = period,
        LimitUsd = limitUsd,
        AlertThresholds = thresholds ?? [],
        CreatedAt = Now.AddDays(-1),
        UpdatedAt = Now.AddDays(-1),
    };

    /// <summary>One replica's view: its own ledger, connection and shared state, on the given Redis and key prefix.</summary>
    private sealed class Replica : IAsyncDisposable
    {
        private Replica(RedisConnection connection, RedisSharedState state, BudgetLedger local, RedisBudgetLedger shared)
        {
            Connection = connection;
            State = state;
            Local = local;
            Shared = shared;
        }

        public RedisConnection Connection { get; }

        public RedisSharedState State { get; }

        public BudgetLedger Local { get; }

        public RedisBudgetLedger Shared { get; }

        public BudgetAccount[] Accounts(Budget budget) => Local.Find(budget.Subject, null)!;

        public static async Task<Replica> StartAsync(string redis, string prefix, Budget budget, RedisBudgetsPolicy policy = RedisBudgetsPolicy.FailClosed, int reservationTimeoutSeconds = 900)
        {
            var options = new RedisOptions { KeyPrefix = prefix, BudgetsWhenUnreachable = policy, ReservationTimeoutSeconds = reservationTimeoutSeconds, ConnectTimeoutMilliseconds = 500 };
            var connection = new RedisConnection(RedisEndpoint.Parse(redis, "ConnectionStrings:Redis"), options, NullLogger<RedisConnection>.Instance);
            await connection.StartAsync(Ct);
            var clock = new FakeTimeProvider(Now);
            var state = new RedisSharedState(connection, options, clock);
            var local = new BudgetLedger(clock);
            local.Load([budget], []);
            return new Replica(connection, state, local, new RedisBudgetLedger(local, state, NullLogger<RedisBudgetLedger>.Instance));
        }

        public async ValueTask DisposeAsync()
        {
            Shared.Dispose();
            State.Dispose();
            await Connection.DisposeAsync();
        }
    }

    private static string Prefix() => $"test-{Guid.NewGuid():N}:";

    private static async Task<Replica[]> StartReplicasAsync(int count, string redis, Budget budget, RedisBudgetsPolicy policy = RedisBudgetsPolicy.FailClosed, int reservationTimeoutSeconds = 900)
    {
        var prefix = Prefix();
        var replicas = new Replica[count];
        for (var i = 0; i < count; i++)
        {
            replicas[i] = await Replica.StartAsync(redis, prefix, budget, policy, reservationTimeoutSeconds);
        }

        return replicas;
    }

    private static async Task DisposeAllAsync(IEnumerable<Replica> replicas)
    {
        foreach (var replica in replicas)
        {
            await replica.DisposeAsync();
        }
    }

    private static async Task<BudgetState> SharedStateAsync(Replica replica, Budget budget)
    {
        await replica.Shared.RefreshAsync(budget.Id, Ct);
        return replica.Shared.State(budget.Id)!;
    }

    [Fact]
    public async Task TwoHundredReservationsOverThreeReplicas_AgainstABudgetForFifty_ExactlyFiftyAreAdmitted()
    {
        var budget = NewBudget(50m);
        var replicas = await StartReplicasAsync(3, RedisSharedStateTests.SharedRedis(), budget);
        try
        {
            var admissions = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
            {
                var replica = replicas[i % 3];
                return await replica.Shared.ReserveAsync(replica.Accounts(budget), 1m, Ct);
            }, Ct)));

            var admitted = admissions.Where(a => a.Reservation is not null).ToArray();
            Assert.Equal(50, admitted.Length);
            Assert.All(admissions.Where(a => a.Reservation is null), a => Assert.Equal("budget_exceeded", a.Refusal!.ToError().Code));

            // Settled at less than the worst case: what is left is exactly the limit less the costs.
            foreach (var admission in admitted)
            {
                var owner = replicas.First(r => r.Accounts(budget)[0] == admission.Reservation!.Accounts[0]);
                await owner.Shared.SettleAsync(admission.Reservation!, 0.25m, Ct);
            }

            foreach (var replica in replicas)
            {
                var state = await SharedStateAsync(replica, budget);
                Assert.Equal(12.5m, state.SpentUsd);
                Assert.Equal(0m, state.ReservedUsd);
            }
        }
        finally
        {
            await DisposeAllAsync(replicas);
        }
    }

    [Fact]
    public async Task ASettlementRetriedAfterALostAnswer_CountsOnce()
    {
        var budget = NewBudget(10m);
        var replicas = await StartReplicasAsync(1, RedisSharedStateTests.SharedRedis(), budget);
        try
        {
            var replica = replicas[0];
            var reservation = (await replica.Shared.ReserveAsync(replica.Accounts(budget), 2m, Ct)).Reservation!;

            await replica.Shared.SettleAsync(reservation, 1.5m, Ct);
            await replica.Shared.SettleAsync(reservation, 1.5m, Ct);

            var state = await SharedStateAsync(replica, budget);
            Assert.Equal(1.5m, state.SpentUsd);
            Assert.Equal(0m, state.ReservedUsd);
        }
        finally
        {
            await DisposeAllAsync(replicas);
        }
    }

    [Fact]
    public async Task TheHoldsOfAReplicaThatNeverSettles_ReturnWhenTheyExpire()
    {
        // A reservation timeout of zero: every hold has expired by the next script, as a killed
        // replica's holds have after ReservationTimeoutSeconds (without the test waiting for it).
        var budget = NewBudget(10m);
        var replicas = await StartReplicasAsync(2, RedisSharedStateTests.SharedRedis(), budget, reservationTimeoutSeconds: 0);
        try
        {
            var killed = replicas[0];
            Assert.NotNull((await killed.Shared.ReserveAsync(killed.Accounts(budget), 10m, Ct)).Reservation);

            var survivor = replicas[1];
            var admission = await survivor.Shared.ReserveAsync(survivor.Accounts(budget), 10m, Ct);

            Assert.NotNull(admission.Reservation);
        }
        finally
        {
            await DisposeAllAsync(replicas);
        }
    }

    [Fact]
    public async Task WhileAHoldIsLive_AnotherReplicaCannotTakeTheSameMoney()
    {
        var budget = NewBudget(10m);
        var replicas = await StartReplicasAsync(2, RedisSharedStateTests.SharedRedis(), budget);
        try
        {
            Assert.NotNull((await replicas[0].Shared.ReserveAsync(replicas[0].Accounts(budget), 7m, Ct)).Reservation);

            var refused = await replicas[1].Shared.ReserveAsync(replicas[1].Accounts(budget), 4m, Ct);

            Assert.Null(refused.Reservation);
            Assert.Equal(7m, refused.Refusal!.State.ReservedUsd);
            Assert.NotNull((await replicas[1].Shared.ReserveAsync(replicas[1].Accounts(budget), 3m, Ct)).Reservation);
        }
        finally
        {
            await DisposeAllAsync(replicas);
        }
    }

    [Fact]
    public async Task ARedisThatLostItsData_IsSeededFromWhatTheReplicasKnow_AndNeverLowered()
    {
        await using var redis = await RedisTestServer.StartAsync();
        var budget = NewBudget(10m);
        var replicas = await StartReplicasAsync(2, redis.ConnectionString, budget);
        try
        {
            var reservation = (await replicas[0].Shared.ReserveAsync(replicas[0].Accounts(budget), 6m, Ct)).Reservation!;
            await replicas[0].Shared.SettleAsync(reservation, 6m, Ct);
            Assert.Equal(6m, (await SharedStateAsync(replicas[1], budget)).SpentUsd);

            // Redis restarts empty (no persistence): the shared counters are gone.
            await redis.StopAsync();
            await redis.StartAgainAsync();
            Assert.True(await ReplicaPair.EventuallyAsync(() => Task.FromResult(replicas.All(r => r.Connection.IsConnected)), TimeSpan.FromSeconds(30)));

            // Replica 1 knew 6 USD spent: its next call seeds that, so 5 more cannot be held.
            var refused = await replicas[1].Shared.ReserveAsync(replicas[1].Accounts(budget), 5m, Ct);
            Assert.Null(refused.Reservation);
            Assert.Equal(6m, refused.Refusal!.State.SpentUsd);
        }
        finally
        {
            await DisposeAllAsync(replicas);
        }
    }

    [Fact]
    public async Task AnAlertThreshold_IsSentOnceAcrossReplicas()
    {
        var budget = NewBudget(10m, thresholds: [50m, 100m]);
        var replicas = await StartReplicasAsync(2, RedisSharedStateTests.SharedRedis(), budget);
        try
        {
            var alerts = new List<BudgetAlert>();
            for (var i = 0; i < 6; i++)
            {
                var replica = replicas[i % 2];
                var reservation = (await replica.Shared.ReserveAsync(replica.Accounts(budget), 1m, Ct)).Reservation!;
                alerts.AddRange(await replica.Shared.SettleAsync(reservation, 1m, Ct) ?? []);
            }

            var alert = Assert.Single(alerts);
            Assert.Equal(50m, alert.Threshold);
            Assert.Equal(5m, alert.SpentUsd);
        }
        finally
        {
            await DisposeAllAsync(replicas);
        }
    }

    [Fact]
    public async Task RedisUnreachable_FailClosed_RefusesWithBudgetUnavailable_AndCountsIt()
    {
        await using var redis = await RedisTestServer.StartAsync();
        var budget = NewBudget(10m);
        var replicas = await StartReplicasAsync(1, redis.ConnectionString, budget);
        try
        {
            var replica = replicas[0];
            await redis.StopAsync();
            Assert.True(await ReplicaPair.EventuallyAsync(() => Task.FromResult(!replica.Connection.IsConnected), TimeSpan.FromSeconds(30)));

            var admission = await replica.Shared.ReserveAsync(replica.Accounts(budget), 1m, Ct);

            Assert.Null(admission.Reservation);
            Assert.Null(admission.Refusal);
            Assert.Equal(503, admission.Unavailable!.StatusCode);
            Assert.Equal("budget_unavailable", admission.Unavailable.Code);
            Assert.Equal(1, replica.State.BudgetFallbacks);
        }
        finally
        {
            await DisposeAllAsync(replicas);
        }
    }

    [Fact]
    public async Task RedisUnreachable_FailOpen_AdmitsThisReplicasShare_AndPaysTheCostWhenRedisReturns()
    {
        await using var redis = await RedisTestServer.StartAsync();
        var budget = NewBudget(10m);
        var replicas = await StartReplicasAsync(1, redis.ConnectionString, budget, RedisBudgetsPolicy.FailOpenPerReplicaShare);
        try
        {
            var replica = replicas[0];
            var inFlight = (await replica.Shared.ReserveAsync(replica.Accounts(budget), 1m, Ct)).Reservation!;
            await redis.StopAsync();
            Assert.True(await ReplicaPair.EventuallyAsync(() => Task.FromResult(!replica.Connection.IsConnected), TimeSpan.FromSeconds(30)));

            // The call in flight settles while Redis is down; a new one is admitted by the policy.
            await replica.Shared.SettleAsync(inFlight, 1m, Ct);
            var byPolicy = (await replica.Shared.ReserveAsync(replica.Accounts(budget), 2m, Ct)).Reservation!;
            await replica.Shared.SettleAsync(byPolicy, 2m, Ct);
            Assert.Equal(2, replica.Shared.PendingSettlements);
            Assert.Equal(3m, replica.Shared.State(budget.Id)!.SpentUsd);

            await redis.StartAgainAsync();
            Assert.True(await ReplicaPair.EventuallyAsync(() => Task.FromResult(replica.Connection.IsConnected), TimeSpan.FromSeconds(30)));
            await replica.Shared.PayOwedAsync();

            Assert.Equal(0, replica.Shared.PendingSettlements);
            var counters = await replica.Connection.Database!.HashGetAsync(
                replica.Connection.Key(RedisKeys.BudgetPeriod(budget.Id, 0) + RedisKeys.BudgetCounters), "s");
            Assert.Equal(3_000_000_000_000L, (long)counters);
        }
        finally
        {
            await DisposeAllAsync(replicas);
        }
    }
}
