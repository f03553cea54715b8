using System.Globalization;
using Gatehouse.Configuration;
using Gatehouse.OpenAI;
using Gatehouse.Routing;

namespace Gatehouse.Gateway;

/// <summary>
/// The per-call routing overrides a client may send as <c>x-gatehouse-*</c> request headers. They
/// win over the key's routing preferences, which win over the model alias's configuration.
/// </summary>
internal static class RequestOverrides
{
    /// <summary>
    /// Reads the headers into preferences (<see cref="RoutingPreferences.None"/> when there are none),
    /// or a 400 <c>invalid_header</c> naming the header. <paramref name="maxRetries"/> bounds
    /// <c>x-gatehouse-retries</c> (<c>Gatehouse:MaxRequestedRetries</c>).
    /// </summary>
    public static bool TryRead(IHeaderDictionary headers, int maxRetries, out RoutingPreferences overrides, out OpenAIError? error)
    {
        overrides = RoutingPreferences.None;
        error = null;
        RoutingStrategy? strategy = null;
        bool? fallback = null;
        int? retries = null;

        if (headers.TryGetValue(GatehouseHeaders.Strategy, out var strategyValue))
        {
            if (!Enum.TryParse<RoutingStrategy>(strategyValue.ToString(), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                error = Invalid(GatehouseHeaders.Strategy, strategyValue.ToString(), "use one of: " + string.Join(", ", Enum.GetNames<RoutingStrategy>()));
                return false;
            }

            strategy = parsed;
        }

        if (headers.TryGetValue(GatehouseHeaders.Fallback, out var fallbackValue))
        {
            switch (fallbackValue.ToString().ToLowerInvariant())
            {
                case "off" or "false" or "0":
                    fallback = false;
                    break;
                case "on" or "true" or "1":
                    fallback = true;
                    break;
                default:
                    error = Invalid(GatehouseHeaders.Fallback, fallbackValue.ToString(), "use one of: on, off");
                    return false;
            }
        }

        if (headers.TryGetValue(GatehouseHeaders.Retries, out var retriesValue))
        {
            if (!int.TryParse(retriesValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) || parsed > maxRetries)
            {
                error = Invalid(GatehouseHeaders.Retries, retriesValue.ToString(), $"use a whole number from 0 to {maxRetries} (Gatehouse:MaxRequestedRetries)");
                return false;
            }

            retries = parsed;
        }

        if (strategy is not null || fallback is not null || retries is not null)
        {
            overrides = new RoutingPreferences { Strategy = strategy, Fallback = fallback, MaxRetries = retries };
        }

        return true;
    }

    private static OpenAIError Invalid(string header, string value, string allowed) => new(
        StatusCodes.Status400BadRequest, $"Header '{header}' has the value '{value}'; {allowed}.", "invalid_request_error", header, "invalid_header");
}
