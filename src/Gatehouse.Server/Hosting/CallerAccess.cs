using Gatehouse.Keys;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;

namespace Gatehouse.Hosting;

/// <summary>
/// Key checks for <c>/api/*</c>: the same keys as <c>/v1/*</c>, but failures are ProblemDetails.
/// The authenticated caller is kept on the <see cref="HttpContext"/> for handlers.
/// </summary>
/// <remarks>
/// <see cref="RequireAdminKey"/> and <see cref="RequireAnyKey"/> mark an endpoint with a
/// <see cref="KeyRequirement"/>; <see cref="UseCallerAccess"/> checks it right after routing, before
/// the endpoint binds a single parameter, so a caller without a valid key gets its 401 (and a
/// virtual key its 403 on an admin endpoint) whatever the body, and no body is read for it.
/// An endpoint filter repeats the check if the middleware is missing, so an endpoint is never open.
/// The content type is checked after the key, by the binder (see <c>ApiRequestBinding</c>).
/// </remarks>
internal static class CallerAccess
{
    private static readonly object CallerKey = new();

    public static CallerIdentity GetCaller(this HttpContext context) =>
        context.Items[CallerKey] as CallerIdentity ?? throw new InvalidOperationException("The endpoint has no key requirement.");

    public static void SetCaller(this HttpContext context, CallerIdentity caller) => context.Items[CallerKey] = caller;

    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.Require(KeyRequirement.Admin);

    public static TBuilder RequireAnyKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.Require(KeyRequirement.AnyKey);

    /// <summary>Checks the key of every request whose endpoint has a <see cref="KeyRequirement"/>; goes right after routing.</summary>
    public static IApplicationBuilder UseCallerAccess(this IApplicationBuilder app) =>
        app.Use(static (context, next) =>
        {
            var requirement = KeyRequirement.Of(context.GetEndpoint());
            if (requirement is null)
            {
                return next(context);
            }

            return RefuseOrContinueAsync(context, next, requirement);
        });

    private static async Task RefuseOrContinueAsync(HttpContext context, RequestDelegate next, KeyRequirement requirement)
    {
        if (await RefusalAsync(context, requirement) is { } refusal)
        {
            await refusal.ExecuteAsync(context);
            return;
        }

        await next(context);
    }

    private static TBuilder Require<TBuilder>(this TBuilder builder, KeyRequirement requirement)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.WithMetadata(requirement);

        // Routing would answer a body of another content type with its own 415 before any middleware
        // sees the endpoint; with this, added after the binder's own metadata, it does not choose by
        // content type, so the key comes first.
        builder.Finally(static endpoint => endpoint.Metadata.Add(AnyContentTypeRouting.Instance));
        builder.AddEndpointFilter(static (context, next) =>
        {
            var http = context.HttpContext;
            if (http.Items.ContainsKey(CallerKey) || KeyRequirement.Of(http.GetEndpoint()) is not { } requirement)
            {
                return next(context);
            }

            return RefuseOrContinueAsync(context, next, http, requirement);
        });
        return builder;
    }

    private static async ValueTask<object?> RefuseOrContinueAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, HttpContext http, KeyRequirement requirement) =>
        await RefusalAsync(http, requirement) is { } refusal ? refusal : await next(context);

    /// <summary>Null, with the caller set, when the request's key meets <paramref name="requirement"/>; otherwise the 401 or 403 to answer.</summary>
    private static async ValueTask<ProblemHttpResult?> RefusalAsync(HttpContext http, KeyRequirement requirement)
    {
        var authenticator = http.RequestServices.GetRequiredService<KeyAuthenticator>();
        var (check, caller) = await authenticator.CheckAsync(http.Request, http.RequestAborted);
        if (check != KeyCheck.Valid)
        {
            var detail = check switch
            {
                KeyCheck.Missing => "Send a key as 'Authorization: Bearer <key>' or in the 'x-api-key' header.",
                KeyCheck.Malformed => Gateway.AuthenticationStage.MalformedMessage,
                KeyCheck.Revoked => "This key has been revoked.",
                KeyCheck.Expired => "This key has expired.",
                _ => "The key is not valid.",
            };
            return TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail);
        }

        if (requirement.AdminOnly && !caller!.IsAdmin)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This endpoint needs the admin (master) key.");
        }

        http.SetCaller(caller!);
        return null;
    }

    /// <summary>Accepts metadata that lets routing match any content type (no candidate is dropped, no 415 endpoint chosen).</summary>
    private sealed class AnyContentTypeRouting : IAcceptsMetadata
    {
        public static readonly AnyContentTypeRouting Instance = new();

        public IReadOnlyList<string> ContentTypes => [];

        public Type? RequestType => null;

        public bool IsOptional => true;
    }
}
