using Gatehouse.Configuration;
using Gatehouse.OpenAI;

namespace Gatehouse.Gateway;

/// <summary>The per-call routing overrides a client may send as <c>x-gatehouse-*</c> request headers.</summary>
internal static class RequestOverrides
{
    public static bool TryRead(IHeaderDictionary headers, out RoutingStrategy? strategy, out bool noFallback, out OpenAIError? error)
    {
        strategy = null;
        noFallback = false;
        error = null;

        if (headers.TryGetValue(GatehouseHeaders.Strategy, out var strategyValue))
        {
            if (!Enum.TryParse<RoutingStrategy>(strategyValue.ToString(), ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
            {
                error = Invalid(GatehouseHeaders.Strategy, strategyValue.ToString(), string.Join(", ", Enum.GetNames<RoutingStrategy>()));
                return false;
            }

            strategy = parsed;
        }

        if (headers.TryGetValue(GatehouseHeaders.Fallback, out var fallbackValue))
        {
            switch (fallbackValue.ToString().ToLowerInvariant())
            {
                case "off" or "false" or "0":
                    noFallback = true;
                    break;
                case "on" or "true" or "1":
                    break;
                default:
                    error = Invalid(GatehouseHeaders.Fallback, fallbackValue.ToString(), "on, off");
                    return false;
            }
        }

        return true;
    }

    private static OpenAIError Invalid(string header, string value, string allowed) => new(
        StatusCodes.Status400BadRequest, $"Header '{header}' has the value '{value}'; use one of: {allowed}.", "invalid_request_error", header, "invalid_header");
}
