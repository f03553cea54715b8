using Gatehouse.Configuration;
using Gatehouse.Hosting;
using Gatehouse.Routing;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.ModelCatalog;

/// <summary>
/// <c>/api/models</c>: every model the caller may use, with what <c>/v1/models</c> must leave out —
/// its kind, the endpoints that serve it, context window, prices, capabilities and deployments. The
/// admin key sees every model; a virtual key only those it may use (another is a 404, as on <c>/v1</c>).
/// </summary>
internal static class ModelCatalogEndpoints
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapModelCatalogEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/models").RequireAnyKey().WithTags("Models");
        group.MapGet("/", List);
        group.MapGet("/{**id}", Get);
        return group;
    }

    private static Results<Ok<ModelPage>, ValidationProblem> List(HttpContext http, RouteTableProvider routes, string? kind, string? limit, string? cursor)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        ModelKind? kindFilter = kind?.ToLowerInvariant() switch
        {
            null or "" => null,
            "chat" => ModelKind.Chat,
            "embedding" => ModelKind.Embedding,
            _ => Refuse(errors, "kind", $"Use 'chat' or 'embedding'; got '{kind}'."),
        };
        var page = ListPaging.Read(limit, cursor, MaxPageSize, static c => ModelCursor.TryDecode(c, out _), (field, message) => errors[field] = [message]);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var caller = http.GetCaller();
        var after = page.Cursor is { } c && ModelCursor.TryDecode(c, out var position) ? position : (ModelCursor?)null;
        var items = new List<ModelInfo>(Math.Min(page.Limit, routes.Current.Listed.Count));
        string? next = null;
        foreach (var route in routes.Current.Listed)
        {
            // By position, not by name lookup: a page stays right when a reload removed the model it ended on.
            if ((after is { } a && a.CompareTo(route) >= 0) || (kindFilter is { } k && route.Kind != k) || !caller.MayUseModel(route.PublicName))
            {
                continue;
            }

            if (items.Count == page.Limit)
            {
                next = ModelCursor.Encode(items[^1]);
                break;
            }

            items.Add(ModelInfo.From(route));
        }

        return TypedResults.Ok(new ModelPage(items, next));
    }

    private static Results<Ok<ModelInfo>, ProblemHttpResult> Get(string id, HttpContext http, RouteTableProvider routes) =>
        routes.Current.TryGet(id, out var route) && http.GetCaller().MayUseModel(id)
            ? TypedResults.Ok(ModelInfo.From(route))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Model not found", detail: $"No model '{id}' that this key may use.");

    private static ModelKind? Refuse(Dictionary<string, string[]> errors, string field, string message)
    {
        errors[field] = [message];
        return null;
    }
}
