using Gatehouse.Keys;

namespace Gatehouse.Hosting;

/// <summary>
/// Key checks for <c>/api/*</c>: the same keys as <c>/v1/*</c>, but failures are ProblemDetails.
/// The authenticated caller is kept on the <see cref="HttpContext"/> for handlers.
/// </summary>
internal static class CallerAccess
{
    private static readonly object CallerKey = new();

    public static CallerIdentity GetCaller(this HttpContext context) =>
        context.Items[CallerKey] as CallerIdentity ?? throw new InvalidOperationException("The endpoint has no key requirement.");

    public static void SetCaller(this HttpContext context, CallerIdentity caller) => context.Items[CallerKey] = caller;

    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static (context, next) => CheckAsync(context, next, adminOnly: true));

    public static TBuilder RequireAnyKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(static (context, next) => CheckAsync(context, next, adminOnly: false));

    private static ValueTask<object?> CheckAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next, bool adminOnly)
    {
        var http = context.HttpContext;
        var registry = http.RequestServices.GetRequiredService<KeyRegistry>();
        var check = registry.Check(http.Request, out var caller);
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
            return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized", detail: detail));
        }

        if (adminOnly && !caller!.IsAdmin)
        {
            return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "This endpoint needs the admin (master) key."));
        }

        http.SetCaller(caller!);
        return next(context);
    }
}
