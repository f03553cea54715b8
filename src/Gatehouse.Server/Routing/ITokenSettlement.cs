namespace Gatehouse.Routing;

/// <summary>
/// Tokens a call holds against a tokens-per-minute limit until it knows its real usage, wherever the
/// limit lives (this process, or Redis). Settle once: an overestimate goes back, an overrun is taken.
/// </summary>
internal interface ITokenSettlement
{
    void Settle(int usedTokens);
}
