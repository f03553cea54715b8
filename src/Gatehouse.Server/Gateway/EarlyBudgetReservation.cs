using Gatehouse.Budgets;

namespace Gatehouse.Gateway;

/// <summary>
/// A budget reservation sent together with the key's limits, so that a call with both, on the
/// shared ledger, waits for one Redis round trip rather than two (see <see cref="RateLimitStage"/>).
/// It is only sent early; it is decided where budgets always are, right before forwarding: the
/// first <see cref="BudgetStage"/> run that it covers claims it, and from then on that run owns it
/// (and settles it) as if it had reserved it itself. A refusal is therefore only acted on by a call
/// that would have reserved, so a cache hit is still served to a key whose budget is spent. A
/// reservation no run claimed (a limit refused the call, the cache answered it, a follower shared
/// another call's answer) is given back by the stage that sent it.
/// </summary>
internal sealed class EarlyBudgetReservation
{
    private readonly Task<BudgetAdmission> _admission;
    private int _claimed;

    private EarlyBudgetReservation(Task<BudgetAdmission> admission, decimal amount)
    {
        _admission = admission;
        Amount = amount;
    }

    /// <summary>The worst-case cost reserved, for the call as its client sent it.</summary>
    public decimal Amount { get; }

    /// <summary>Sends the reservation; what the ledger answers is read by the run that claims it.</summary>
    public static EarlyBudgetReservation Send(IBudgetAdmission ledger, BudgetAccount[] accounts, decimal amount, CancellationToken cancellationToken) =>
        new(ledger.ReserveAsync(accounts, amount, cancellationToken).AsTask(), amount);

    /// <summary>
    /// Takes the reservation for a run whose worst case is <paramref name="needed"/>: once, and only
    /// when it covers the run (tool prefiltering only ever narrows a body; a later tool round, with
    /// results added, reserves its own).
    /// </summary>
    public bool TryClaim(decimal needed) => needed <= Amount && Interlocked.Exchange(ref _claimed, 1) == 0;

    /// <summary>What the ledger answered; for the run that claimed it.</summary>
    public Task<BudgetAdmission> AdmissionAsync() => _admission;

    /// <summary>Gives the reservation back unless a run claimed it (then that run settles it); not waited for.</summary>
    public void ReleaseUnclaimed(BudgetSettlements settlements)
    {
        if (Interlocked.Exchange(ref _claimed, 1) == 0)
        {
            settlements.Release(_admission);
        }
    }
}
