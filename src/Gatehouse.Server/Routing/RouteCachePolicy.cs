namespace Gatehouse.Routing;

/// <summary>An alias's response-cache settings, resolved against <c>Gatehouse:Cache</c> when the route table is built.</summary>
internal sealed record RouteCachePolicy(bool Enabled, TimeSpan Ttl)
{
    public static readonly RouteCachePolicy Off = new(false, TimeSpan.FromHours(1));
}
