using System.Collections.Concurrent;
using Gatehouse.Budgets;

namespace Gatehouse.Redis;

internal sealed partial class RedisBudgetLedger
{
    /// <summary>
    /// Settlements owed to Redis are bounded: past this many, the oldest cost is counted only in
    /// this replica and in the request records, which every replica's start reconciles from.
    /// </summary>
    public const int MaxPendingSettlements = 100_000;

    private readonly ConcurrentQueue<PendingSettlement> _pending = new();
    private readonly SemaphoreSlim _flushing = new(1, 1);
    private int _pendingCount;
    private long _droppedSettlements;

    /// <summary>Settlements waiting for Redis to return.</summary>
    public int PendingSettlements => Volatile.Read(ref _pendingCount);

    /// <summary>Settlements given up because too many were waiting (their costs are in the records).</summary>
    public long DroppedSettlements => Interlocked.Read(ref _droppedSettlements);

    private void Owe(PendingSettlement settlement)
    {
        _pending.Enqueue(settlement);
        if (Interlocked.Increment(ref _pendingCount) > MaxPendingSettlements && _pending.TryDequeue(out _))
        {
            Interlocked.Decrement(ref _pendingCount);
            if (Interlocked.Increment(ref _droppedSettlements) == 1)
            {
                LogSettlementsDropped(MaxPendingSettlements);
            }
        }
    }

    /// <summary>Each heartbeat that reached Redis: pays what is owed, then mirrors every budget's shared numbers.</summary>
    private async Task OnBeatAsync(CancellationToken cancellationToken)
    {
        await PayOwedAsync();
        await RefreshAsync(null, cancellationToken);
    }

    /// <summary>
    /// Sends the settlements owed, oldest first, until one fails; that one waits for the next beat.
    /// Alerts they cross were sent when they settled here, so none are sent again.
    /// </summary>
    public async Task PayOwedAsync()
    {
        if (!await _flushing.WaitAsync(0))
        {
            return;
        }

        try
        {
            while (_state.Database is { } db && _pending.TryPeek(out var settlement))
            {
                try
                {
                    await SharedSettleAsync(db, settlement);
                }
                catch (Exception ex) when (RedisSharedState.IsUnreachable(ex))
                {
                    return;
                }

                if (_pending.TryDequeue(out _))
                {
                    Interlocked.Decrement(ref _pendingCount);
                }
            }
        }
        finally
        {
            _flushing.Release();
        }
    }

    /// <summary>
    /// A settlement's arguments. <see cref="PeriodStarts"/> are the periods its hold was taken in;
    /// null when it has no hold (admitted by the policy), so only the cost is added.
    /// </summary>
    private sealed record PendingSettlement(BudgetAccount[] Accounts, DateTimeOffset[]? PeriodStarts, string Member, long AmountPico, long CostPico);

    [LoggerMessage(EventId = 4012, Level = LogLevel.Error, Message = "More than {Limit} budget settlements are waiting for Redis; the oldest are counted only in this replica and in the request records until the next start reconciles them.")]
    private partial void LogSettlementsDropped(int limit);
}
