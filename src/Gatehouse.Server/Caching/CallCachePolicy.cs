using System.Globalization;
using System.Text.RegularExpressions;
using Gatehouse.Configuration;
using Gatehouse.Gateway;
using Gatehouse.OpenAI;
using Gatehouse.Routing;

namespace Gatehouse.Caching;

/// <summary>
/// How the response cache treats one call: whether it looks for a stored answer, whether it stores
/// the fresh one, for how long, and in which namespace. Resolved from the alias's settings
/// (<see cref="RouteCachePolicy"/>), then the key's (<see cref="Keys.KeyCacheSettings"/>), then the
/// call's <c>x-gatehouse-cache*</c> headers, which win — except that a key's namespace always
/// applies: a header namespace nests inside it, so a key cannot reach another key's answers.
/// </summary>
internal sealed partial record CallCachePolicy(bool Lookup, TimeSpan Ttl, string Namespace)
{
    public const string DefaultNamespace = "default";

    /// <summary>
    /// Reads the policy; null when the cache is off for this call, false with an error for a bad
    /// header. <paramref name="onForAll"/> (a degraded service level) turns the cache on for every
    /// model; a call's own <c>x-gatehouse-cache: off</c> still wins.
    /// </summary>
    public static bool TryRead(GatewayContext context, CacheOptions options, bool onForAll, out CallCachePolicy? policy, out OpenAIError? error)
    {
        policy = null;
        error = null;
        var route = context.Call.Route?.Cache ?? RouteCachePolicy.Off;
        var headers = context.Http.Request.Headers;

        var key = context.Call.Caller?.Key?.Cache;
        var enabled = key?.Enabled ?? route.Enabled;
        enabled |= onForAll;
        var lookup = true;
        if (headers.TryGetValue(GatehouseHeaders.Cache, out var mode))
        {
            switch (mode.ToString().Trim().ToLowerInvariant())
            {
                case "on" or "true" or "1":
                    enabled = true;
                    break;
                case "off" or "false" or "0":
                    enabled = false;
                    break;
                case "refresh":
                    enabled = true;
                    lookup = false;
                    break;
                default:
                    error = Invalid(GatehouseHeaders.Cache, mode.ToString(), "use one of: on, off, refresh");
                    return false;
            }
        }

        var ttl = key?.TtlSeconds is { } keyTtl ? TimeSpan.FromSeconds(Math.Min(keyTtl, options.MaxTtlSeconds)) : route.Ttl;
        if (headers.TryGetValue(GatehouseHeaders.CacheTtl, out var ttlValue))
        {
            if (!int.TryParse(ttlValue.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) || seconds < 1 || seconds > options.MaxTtlSeconds)
            {
                error = Invalid(GatehouseHeaders.CacheTtl, ttlValue.ToString(), $"use whole seconds from 1 to {options.MaxTtlSeconds}");
                return false;
            }

            ttl = TimeSpan.FromSeconds(seconds);
        }

        string? requested = null;
        if (headers.TryGetValue(GatehouseHeaders.CacheNamespace, out var spaceValue))
        {
            requested = spaceValue.ToString();
            if (!IsValidNamespace(requested))
            {
                error = Invalid(GatehouseHeaders.CacheNamespace, requested, "use 1 to 64 letters, digits, '.', '_' or '-'");
                return false;
            }
        }

        var space = (key?.Namespace, requested) switch
        {
            ({ } keySpace, { } callSpace) => keySpace + "/" + callSpace,
            ({ } keySpace, null) => keySpace,
            (null, { } callSpace) => callSpace,
            _ => DefaultNamespace,
        };

        policy = enabled ? new CallCachePolicy(lookup, ttl, space) : null;
        return true;
    }

    /// <summary>1 to 64 letters, digits, '.', '_' or '-'.</summary>
    public static bool IsValidNamespace(string space) => NamespacePattern().IsMatch(space);

    /// <summary>A namespace as purging names it: one namespace, or a key's and a call's joined by '/'.</summary>
    public static bool IsValidPurgeNamespace(string space) =>
        space.Split('/') is var parts && parts.Length <= 2 && parts.All(IsValidNamespace);

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex NamespacePattern();

    private static OpenAIError Invalid(string header, string value, string rule) => new(
        StatusCodes.Status400BadRequest, $"Header '{header}' has the value '{value}'; {rule}.", "invalid_request_error", header, "invalid_header");
}
