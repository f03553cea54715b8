using Gatehouse.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Caching;

/// <summary><c>DELETE /api/cache</c> (admin): forgets stored answers, of one namespace or all of them.</summary>
internal static class CacheEndpoints
{
    public static IEndpointRouteBuilder MapCacheEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapDelete("/api/cache", PurgeAsync).RequireAdminKey().WithTags("Cache");
        return endpoints;
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> PurgeAsync(string? @namespace, ResponseCache cache, CancellationToken cancellationToken)
    {
        if (@namespace is not null && !CallCachePolicy.IsValidPurgeNamespace(@namespace))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid namespace",
                detail: $"'{@namespace}' is not a cache namespace: use 1 to 64 letters, digits, '.', '_' or '-' (a key's namespace and a call's are joined by '/').");
        }

        await cache.PurgeAsync(@namespace, cancellationToken);
        return TypedResults.NoContent();
    }
}
