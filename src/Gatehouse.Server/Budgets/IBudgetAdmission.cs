using Gatehouse.OpenAI;

namespace Gatehouse.Budgets;

/// <summary>
/// The budget ledger's admission: which budgets govern a call, reserving its worst-case cost against
/// all of them at once (all or none), settling its real cost, and where each budget stands. The
/// in-process <see cref="BudgetLedger"/> is the default; with Redis every replica reserves against
/// the same counters (<see cref="Redis.RedisBudgetLedger"/>). Seam 4 of issue 13.
/// </summary>
internal interface IBudgetAdmission
{
    /// <summary>
    /// True when replicas share the ledger over the network (Redis): a reservation is then a round
    /// trip, which <see cref="Gateway.RateLimitStage"/> sends together with the key's limits.
    /// </summary>
    bool Shared { get; }

    /// <summary>The budgets that apply to a call by this key (and its owner); null when none do.</summary>
    BudgetAccount[]? Find(string keyId, string? owner);

    ValueTask<BudgetAdmission> ReserveAsync(BudgetAccount[] accounts, decimal amount, CancellationToken cancellationToken);

    /// <summary>Releases the reservation and adds the real cost; returns the alert thresholds crossed (each once, across replicas).</summary>
    ValueTask<List<BudgetAlert>?> SettleAsync(BudgetReservation reservation, decimal cost, CancellationToken cancellationToken);

    /// <summary>
    /// Brings <see cref="State"/> (one budget) or <see cref="States"/> (<paramref name="budgetId"/>
    /// null: all) up to the shared numbers, other replicas' spend included; nothing to do in process.
    /// </summary>
    ValueTask RefreshAsync(string? budgetId, CancellationToken cancellationToken);

    BudgetState? State(string id);

    /// <summary>Every budget's state, oldest first.</summary>
    IReadOnlyList<BudgetState> States();
}

/// <summary>
/// Admitted (<see cref="Reservation"/>), refused by a budget (<see cref="Refusal"/>: 429
/// <c>budget_exceeded</c>), or not decidable now (<see cref="Unavailable"/>: the shared ledger is
/// unreachable and the policy fails closed).
/// </summary>
internal sealed record BudgetAdmission(BudgetReservation? Reservation, BudgetRefusal? Refusal, OpenAIError? Unavailable = null);
