using Gatehouse.Configuration;
using Gatehouse.Routing;

namespace Gatehouse.Keys;

/// <summary>
/// A key's routing preferences as <c>/api/keys</c> takes and shows them (<c>"routing": {...}</c>).
/// Each value left out keeps the model alias's configuration. The strategy is a name rather than
/// an enum in JSON so a misspelt one gets an error that lists the valid names.
/// </summary>
public sealed record KeyRoutingSettings
{
    /// <summary>Most retries a key may ask for on each deployment; the same bound as <c>Resilience:Retries</c>.</summary>
    public const int MaxRetriesLimit = 10;

    /// <summary><c>Ordered</c>, <c>Weighted</c>, <c>LeastBusy</c>, <c>LowestLatency</c> or <c>Cheapest</c> (any case); wins over the alias's.</summary>
    public string? Strategy { get; init; }

    /// <summary><c>false</c>: never leave the first deployment.</summary>
    public bool? Fallback { get; init; }

    /// <summary>Retries on each deployment tried, instead of its configured <c>Resilience:Retries</c> (0–10).</summary>
    public int? MaxRetries { get; init; }

    /// <summary>What is wrong with these settings, as <c>(field, message)</c> pairs for a ValidationProblem.</summary>
    internal IEnumerable<(string Field, string Message)> Problems()
    {
        if (Strategy is not null && !TryParseStrategy(Strategy, out _))
        {
            yield return ("routing.strategy", $"'{Strategy}' is not a routing strategy; use one of: {string.Join(", ", Enum.GetNames<RoutingStrategy>())}.");
        }

        if (MaxRetries is < 0 or > MaxRetriesLimit)
        {
            yield return ("routing.maxRetries", $"Must be between 0 and {MaxRetriesLimit} (omit it for each deployment's configured retries).");
        }
    }

    /// <summary>The preferences to store (after <see cref="Problems"/> found none); null when nothing is set.</summary>
    internal RoutingPreferences? ToPreferences()
    {
        if (Strategy is null && Fallback is null && MaxRetries is null)
        {
            return null;
        }

        return new RoutingPreferences
        {
            Strategy = Strategy is not null && TryParseStrategy(Strategy, out var strategy) ? strategy : null,
            Fallback = Fallback,
            MaxRetries = MaxRetries,
        };
    }

    internal static KeyRoutingSettings? From(RoutingPreferences? routing) => routing is null ? null : new()
    {
        Strategy = routing.Strategy?.ToString(),
        Fallback = routing.Fallback,
        MaxRetries = routing.MaxRetries,
    };

    internal static bool TryParseStrategy(string value, out RoutingStrategy strategy) =>
        Enum.TryParse(value, ignoreCase: true, out strategy) && Enum.IsDefined(strategy) && !int.TryParse(value, out _);
}
