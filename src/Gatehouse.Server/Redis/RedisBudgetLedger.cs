using System.Globalization;
using Gatehouse.Budgets;
using Gatehouse.Configuration;
using Gatehouse.OpenAI;
using Gatehouse.Storage;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// The budget ledger every replica shares: admission and settlement are one Redis script each
/// (<see cref="BudgetScripts"/>), so N replicas can never spend N times a budget. This process's
/// <see cref="BudgetLedger"/> keeps the definitions and the index of which budgets govern a key,
/// and mirrors the shared numbers for <c>/api/budgets</c>, the spend writer (PostgreSQL keeps the
/// durable copy) and the failure policy. While Redis is unreachable,
/// <c>Gatehouse:Redis:BudgetsWhenUnreachable</c> decides: by default calls that a budget governs
/// are refused with 503 <c>budget_unavailable</c>; the costs of calls settled meanwhile are owed to
/// Redis and paid when it returns (see <see cref="RedisBudgetLedger.Pending"/>).
/// </summary>
internal sealed partial class RedisBudgetLedger : IBudgetAdmission, IDisposable
{
    private const decimal PicoPerUsd = 1_000_000_000_000m;

    // Counters outlive their period by a week, so a late settlement or a look at yesterday still finds them.
    private static readonly TimeSpan s_keptAfterPeriod = TimeSpan.FromDays(7);

    private readonly BudgetLedger _local;
    private readonly RedisSharedState _state;
    private readonly ILogger<RedisBudgetLedger> _logger;
    private int _byPolicy; // 1 while the policy decides budgets: so each switch is logged once

    public RedisBudgetLedger(BudgetLedger local, RedisSharedState state, ILogger<RedisBudgetLedger> logger)
    {
        _local = local;
        _state = state;
        _logger = logger;
        state.Beat += OnBeatAsync;
    }

    public void Dispose()
    {
        _state.Beat -= OnBeatAsync;
        _flushing.Dispose();
    }

    private long HoldMilliseconds => 1000L * _state.Options.ReservationTimeoutSeconds;

    public bool Shared => true;

    public BudgetAccount[]? Find(string keyId, string? owner) => _local.Find(keyId, owner);

    public BudgetState? State(string id) => _local.State(id);

    public IReadOnlyList<BudgetState> States() => _local.States();

    public async ValueTask<BudgetAdmission> ReserveAsync(BudgetAccount[] accounts, decimal amount, CancellationToken cancellationToken)
    {
        if (_state.Database is { } db)
        {
            try
            {
                // Not abandoned on cancellation: once sent, the script may have taken the hold, and
                // the reservation it answers must reach the caller to be settled.
                var admission = await SharedReserveAsync(db, accounts, amount);
                DecidedShared();
                return admission;
            }
            catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
            {
                // Went down between the check and the call: the policy decides this call too.
            }
        }

        DecidedByPolicy();
        if (_state.Options.BudgetsWhenUnreachable == RedisBudgetsPolicy.FailClosed)
        {
            return new BudgetAdmission(null, null, Unavailable());
        }

        // This replica's share of what is left: the amount times the replicas must fit, and is held.
        var share = amount * _state.ReplicaCount;
        return _local.TryReserve(accounts, share, out var reservation, out var refusal)
            ? new BudgetAdmission(reservation, null)
            : new BudgetAdmission(null, refusal);
    }

    public async ValueTask<List<BudgetAlert>?> SettleAsync(BudgetReservation reservation, decimal cost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reservation);
        var costPico = StorageValues.ToPicoDollars(cost);
        if (reservation.Shared is not RedisBudgetHold hold)
        {
            // Admitted by the policy while Redis was down: settled here, and the cost owed to Redis.
            var local = _local.Settle(reservation, cost);
            Owe(new PendingSettlement(reservation.Accounts, null, NewMember(0), 0, costPico));
            return local;
        }

        var settlement = new PendingSettlement(reservation.Accounts, hold.PeriodStarts, hold.Member, hold.AmountPico, costPico);
        if (_state.Database is { } db)
        {
            try
            {
                return await SharedSettleAsync(db, settlement);
            }
            catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
            {
                // Went down with the call in flight: counted here now, and in Redis when it returns
                // (the same member, so a settlement that did land before the failure counts once).
            }
        }

        var alerts = _local.Settle(reservation, cost);
        Owe(settlement);
        return alerts;
    }

    public async ValueTask RefreshAsync(string? budgetId, CancellationToken cancellationToken)
    {
        if (_state.Database is not { } db)
        {
            return;
        }

        BudgetAccount[] accounts = budgetId is null ? _local.Accounts() : _local.Account(budgetId) is { } one ? [one] : [];
        if (accounts.Length == 0)
        {
            return;
        }

        var now = _local.Now;
        var batch = db.CreateBatch();
        var reads = new (BudgetAccount Account, DateTimeOffset PeriodStart, Task<RedisValue[]> Values)[accounts.Length];
        RedisValue[] fields = ["s", "r"];
        for (var i = 0; i < accounts.Length; i++)
        {
            var (budget, periodStart, _) = Snapshot(accounts[i], now);
            reads[i] = (accounts[i], periodStart, batch.HashGetAsync(Counters(budget.Id, periodStart), fields));
        }

        batch.Execute();
        try
        {
            await Task.WhenAll(reads.Select(static r => r.Values)).WaitAsync(cancellationToken);
        }
        catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
        {
            return; // The mirrors stay as they were.
        }

        foreach (var (account, periodStart, values) in reads)
        {
            var numbers = values.Result;
            _local.Mirror(account, periodStart, Usd(numbers[0]), Usd(numbers[1]));
        }
    }

    private async Task<BudgetAdmission> SharedReserveAsync(IDatabase db, BudgetAccount[] accounts, decimal amount)
    {
        var now = _local.Now;
        var amountPico = CeilingPico(amount);
        var member = NewMember(amountPico);
        var keys = new RedisKey[3 * accounts.Length];
        var args = new RedisValue[3 + (3 * accounts.Length)];
        var periodStarts = new DateTimeOffset[accounts.Length];
        args[0] = amountPico;
        args[1] = member;
        args[2] = HoldMilliseconds;
        for (var i = 0; i < accounts.Length; i++)
        {
            var (budget, periodStart, floor) = Snapshot(accounts[i], now);
            periodStarts[i] = periodStart;
            var period = RedisKeys.BudgetPeriod(budget.Id, StorageValues.ToUnixMicroseconds(periodStart));
            keys[3 * i] = _state.Connection.Key(period + RedisKeys.BudgetCounters);
            keys[(3 * i) + 1] = _state.Connection.Key(period + RedisKeys.BudgetHolds);
            keys[(3 * i) + 2] = _state.Connection.Key(period + RedisKeys.BudgetSettled);
            args[3 + (3 * i)] = StorageValues.ToPicoDollars(budget.LimitUsd);
            args[4 + (3 * i)] = StorageValues.ToPicoDollars(floor);
            args[5 + (3 * i)] = LifetimeSeconds(budget, periodStart, now);
        }

        var result = (RedisResult[])(await db.ScriptEvaluateAsync(BudgetScripts.Reserve, keys, args))!;
        if ((long)result[0] == 0)
        {
            var refused = accounts[(int)(long)result[1] - 1];
            _local.Mirror(refused, periodStarts[(int)(long)result[1] - 1], Usd(result[2]), Usd(result[3]));
            return new BudgetAdmission(null, new BudgetRefusal(StateOf(refused), amount));
        }

        Budget? tightest = null;
        var tightestRemaining = decimal.MaxValue;
        for (var i = 0; i < accounts.Length; i++)
        {
            var spent = Usd(result[1 + (2 * i)]);
            var held = Usd(result[2 + (2 * i)]);
            _local.Mirror(accounts[i], periodStarts[i], spent, held + amount);
            var remaining = accounts[i].Budget.LimitUsd - spent - held;
            if (remaining < tightestRemaining)
            {
                tightest = accounts[i].Budget;
                tightestRemaining = remaining;
            }
        }

        return new BudgetAdmission(new BudgetReservation(accounts, amount, tightest!, tightestRemaining, new RedisBudgetHold(member, amountPico, periodStarts)), null);
    }

    private async Task<List<BudgetAlert>?> SharedSettleAsync(IDatabase db, PendingSettlement settlement)
    {
        var now = _local.Now;
        var accounts = settlement.Accounts;
        var keys = new RedisKey[4 * accounts.Length];
        var args = new List<RedisValue>(4 + (5 * accounts.Length)) { settlement.Member, settlement.AmountPico, settlement.CostPico, HoldMilliseconds };
        var currentStarts = new DateTimeOffset[accounts.Length];
        var thresholds = new decimal[accounts.Length][];
        for (var i = 0; i < accounts.Length; i++)
        {
            var (budget, current, _) = Snapshot(accounts[i], now);
            currentStarts[i] = current;
            var held = RedisKeys.BudgetPeriod(budget.Id, StorageValues.ToUnixMicroseconds(settlement.PeriodStarts?[i] ?? current));
            keys[4 * i] = _state.Connection.Key(held + RedisKeys.BudgetCounters);
            keys[(4 * i) + 1] = _state.Connection.Key(held + RedisKeys.BudgetHolds);
            keys[(4 * i) + 2] = _state.Connection.Key(held + RedisKeys.BudgetSettled);
            keys[(4 * i) + 3] = Counters(budget.Id, current);
            args.Add(LifetimeSeconds(budget, current, now));
            thresholds[i] = [.. budget.AlertThresholds];
            args.Add(thresholds[i].Length);
            var limitPico = StorageValues.ToPicoDollars(budget.LimitUsd);
            foreach (var threshold in thresholds[i])
            {
                args.Add(AlertField(threshold, limitPico));
                args.Add(CeilingPico(budget.LimitUsd * threshold / 100m));
            }
        }

        var result = (RedisResult[])(await db.ScriptEvaluateAsync(BudgetScripts.Settle, keys, [.. args]))!;
        List<BudgetAlert>? crossed = null;
        for (var i = 0; i < accounts.Length; i++)
        {
            var numbers = (RedisResult[])result[i]!;
            _local.Mirror(accounts[i], currentStarts[i], Usd(numbers[0]), Usd(numbers[1]));
            foreach (var field in (RedisResult[])numbers[2]!)
            {
                var threshold = ThresholdOf((string)field!);
                lock (accounts[i].Gate)
                {
                    (crossed ??= []).Add(accounts[i].Alert(threshold, now));
                }
            }
        }

        return crossed;
    }

    private static (Budget Budget, DateTimeOffset PeriodStart, decimal Spent) Snapshot(BudgetAccount account, DateTimeOffset now)
    {
        lock (account.Gate)
        {
            account.RollOver(now);
            return (account.Budget, account.PeriodStart, account.Spent);
        }
    }

    private static BudgetState StateOf(BudgetAccount account)
    {
        lock (account.Gate)
        {
            return account.State();
        }
    }

    private RedisKey Counters(string budgetId, DateTimeOffset periodStart) =>
        _state.Connection.Key(RedisKeys.BudgetPeriod(budgetId, StorageValues.ToUnixMicroseconds(periodStart)) + RedisKeys.BudgetCounters);

    private string NewMember(long amountPico) => _state.NewMember() + "|" + amountPico.ToString(CultureInfo.InvariantCulture);

    private static long LifetimeSeconds(Budget budget, DateTimeOffset periodStart, DateTimeOffset now) =>
        BudgetPeriods.EndOf(budget.Period, periodStart) is { } end ? (long)Math.Ceiling((end - now + s_keptAfterPeriod).TotalSeconds) : 0;

    // The alert field names the limit too: a new limit starts its alerts over, as in process.
    private static string AlertField(decimal threshold, long limitPico) =>
        "a:" + threshold.ToString(CultureInfo.InvariantCulture) + ":" + limitPico.ToString(CultureInfo.InvariantCulture);

    private static decimal ThresholdOf(string field) => decimal.Parse(field.AsSpan(2, field.IndexOf(':', 2) - 2), CultureInfo.InvariantCulture);

    // Holds round up, so a hold never covers less than the worst case.
    private static long CeilingPico(decimal usd) => decimal.ToInt64(decimal.Ceiling(usd * PicoPerUsd));

    private static decimal Usd(RedisResult value) => Usd((RedisValue)value);

    private static decimal Usd(RedisValue value) =>
        value.IsNullOrEmpty ? 0m : StorageValues.FromPicoDollars(long.Parse((string)value!, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture));

    private static OpenAIError Unavailable() => new(
        StatusCodes.Status503ServiceUnavailable,
        "Budgets are shared through Redis, which is unreachable; Gatehouse:Redis:BudgetsWhenUnreachable is FailClosed, so calls a budget governs are refused until it returns. Retry shortly.",
        "service_unavailable",
        Code: "budget_unavailable");

    private void DecidedByPolicy()
    {
        _state.CountFallback(RedisSharedState.BudgetsState);
        if (Volatile.Read(ref _byPolicy) == 0 && Interlocked.Exchange(ref _byPolicy, 1) == 0)
        {
            LogBudgetsByPolicy(_state.Options.BudgetsWhenUnreachable, _state.ReplicaCount);
        }
    }

    private void DecidedShared()
    {
        if (Volatile.Read(ref _byPolicy) == 1 && Interlocked.Exchange(ref _byPolicy, 0) == 1)
        {
            LogBudgetsShared();
        }
    }

    [LoggerMessage(EventId = 4010, Level = LogLevel.Warning, Message = "Redis is unreachable: budgets follow Gatehouse:Redis:BudgetsWhenUnreachable = {Policy} (last known replica count {Replicas}) until it returns.")]
    private partial void LogBudgetsByPolicy(RedisBudgetsPolicy policy, int replicas);

    [LoggerMessage(EventId = 4011, Level = LogLevel.Information, Message = "Redis is reachable again: budgets are shared across replicas.")]
    private partial void LogBudgetsShared();
}
