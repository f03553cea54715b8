using Gatehouse.Hosting;
using Gatehouse.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Keys;

/// <summary><c>/api/keys</c>: admin-only management of virtual keys. Secrets are returned once, at creation.</summary>
internal static class KeyEndpoints
{
    public static RouteGroupBuilder MapKeyEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/keys").RequireAdminKey().WithTags("Keys");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapPatch("/{id}", UpdateAsync);
        group.MapPost("/{id}/revoke", RevokeAsync);
        group.MapDelete("/{id}", RevokeAsync);
        return group;
    }

    private static async Task<Results<Created<KeyResponse>, ValidationProblem>> CreateAsync(CreateKeyRequest request, KeyService keys, HttpContext http, CancellationToken cancellationToken)
    {
        // Expiry is judged by the policy clock, as the registry judges it on every call.
        var time = Hosting.PolicyClock.From(http.RequestServices);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Name))
        {
            errors["name"] = ["A key needs a name."];
        }
        else if (request.Name.Length > 200)
        {
            errors["name"] = ["The name is longer than 200 characters."];
        }

        if (request.ExpiresAt is { } expires && expires <= time.GetUtcNow())
        {
            errors["expiresAt"] = ["The expiry is in the past."];
        }

        if (request.RequestsPerMinute is < 1)
        {
            errors["requestsPerMinute"] = ["Must be at least 1 (omit it for unlimited)."];
        }

        if (request.TokensPerMinute is < 1)
        {
            errors["tokensPerMinute"] = ["Must be at least 1 (omit it for unlimited)."];
        }

        if (request.AllowedModels?.Any(string.IsNullOrWhiteSpace) == true)
        {
            errors["allowedModels"] = ["Model names must not be empty."];
        }

        AddProblems(errors, request.Routing);
        AddProblems(errors, request.Cache);

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var (key, secret) = await keys.CreateAsync(request, cancellationToken);
        return TypedResults.Created($"/api/keys/{key.Id}", KeyResponse.From(key, secret));
    }

    private static async Task<Results<Ok<KeyResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string id, UpdateKeyRequest request, KeyService keys, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        foreach (var name in request.Unsupported?.Keys ?? Enumerable.Empty<string>())
        {
            errors[name] = ["This cannot be changed on an existing key; PATCH takes only 'routing', 'cache' and 'toolPrefilter'."];
        }

        AddProblems(errors, request.Routing);
        AddProblems(errors, request.Cache);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var key = await keys.UpdateSettingsAsync(id, new KeySettingsChange
        {
            SetsRouting = request.HasRouting,
            Routing = request.Routing?.ToPreferences(),
            SetsCache = request.HasCache,
            Cache = request.Cache,
            SetsToolPrefilter = request.HasToolPrefilter,
            ToolPrefilter = request.ToolPrefilter,
        }, cancellationToken);
        return key is null ? NotFound(id) : TypedResults.Ok(KeyResponse.From(key));
    }

    private static void AddProblems(Dictionary<string, string[]> errors, KeyRoutingSettings? routing)
    {
        foreach (var (field, message) in routing?.Problems() ?? [])
        {
            errors[field] = [message];
        }
    }

    private static void AddProblems(Dictionary<string, string[]> errors, KeyCacheSettings? cache)
    {
        foreach (var (field, message) in cache?.Problems() ?? [])
        {
            errors[field] = [message];
        }
    }

    private static async Task<Ok<KeyResponse[]>> ListAsync(IKeyStore store, CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(cancellationToken);
        return TypedResults.Ok(keys.Select(k => KeyResponse.From(k)).ToArray());
    }

    private static async Task<Results<Ok<KeyResponse>, ProblemHttpResult>> GetAsync(string id, IKeyStore store, CancellationToken cancellationToken)
    {
        var key = await store.GetAsync(id, cancellationToken);
        return key is null ? NotFound(id) : TypedResults.Ok(KeyResponse.From(key));
    }

    private static async Task<Results<Ok<KeyResponse>, ProblemHttpResult>> RevokeAsync(string id, KeyService keys, CancellationToken cancellationToken)
    {
        var key = await keys.RevokeAsync(id, cancellationToken);
        return key is null ? NotFound(id) : TypedResults.Ok(KeyResponse.From(key));
    }

    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Key not found", detail: $"No key has the id '{id}'.");
}
