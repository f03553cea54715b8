namespace Gatehouse.Redis;

/// <summary>
/// A call's hold in the shared budget ledger: its member in each budget's holds (<c>id|amount</c>),
/// the amount in pico-dollars, and the period each budget was in when the hold was taken (the hold
/// is released there, even when the cost lands in the next period).
/// </summary>
internal sealed record RedisBudgetHold(string Member, long AmountPico, DateTimeOffset[] PeriodStarts);
