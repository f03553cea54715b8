using Gatehouse.Hosting;
using Gatehouse.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Prompts;

/// <summary>
/// <c>/api/prompts</c>: prompts, versions, labels, archive and render, for any key. A virtual key works
/// only with its owner's prompts; another owner's prompt is a 404, exactly like one that does not exist.
/// </summary>
internal static partial class PromptEndpoints
{
    public const int MaxPageSize = 200;

    public static RouteGroupBuilder MapPromptEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/prompts").RequireAnyKey().WithTags("Prompts");
        group.MapPost("/", CreateAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{idOrSlug}", GetAsync);
        group.MapPatch("/{idOrSlug}", UpdateAsync);
        group.MapPost("/{idOrSlug}/archive", (string idOrSlug, HttpContext http, PromptCatalog catalog, IPromptStore store, TimeProvider time, CancellationToken ct) =>
            SetArchivedAsync(idOrSlug, archive: true, http, catalog, store, time, ct));
        group.MapPost("/{idOrSlug}/unarchive", (string idOrSlug, HttpContext http, PromptCatalog catalog, IPromptStore store, TimeProvider time, CancellationToken ct) =>
            SetArchivedAsync(idOrSlug, archive: false, http, catalog, store, time, ct));
        group.MapPost("/{idOrSlug}/versions", AddVersionAsync);
        group.MapGet("/{idOrSlug}/versions", ListVersionsAsync);
        group.MapGet("/{idOrSlug}/versions/{versionOrLabel}", GetVersionAsync);
        group.MapPut("/{idOrSlug}/labels/{label}", SetLabelAsync);
        group.MapDelete("/{idOrSlug}/labels/{label}", DeleteLabelAsync);
        group.MapPost("/{idOrSlug}/render", RenderAsync).WithMetadata(StoresNoText.Instance);
        group.MapPost("/{idOrSlug}/execute", ExecuteAsync);
        return group;
    }

    private static async Task<Results<Created<PromptResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreatePromptRequest request, HttpContext http, PromptService prompts, CancellationToken cancellationToken)
    {
        try
        {
            var (prompt, _, errors) = await prompts.CreateAsync(request, http.GetCaller(), PromptSource.Api, cancellationToken);
            return prompt is null
                ? TypedResults.ValidationProblem(errors.ToDictionary())
                : TypedResults.Created($"/api/prompts/{prompt.Id}", PromptResponse.From(prompt));
        }
        catch (StorageConflictException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Slug taken", detail: ex.Message + " Slugs are unique across owners; choose another.");
        }
    }

    private static async Task<Results<Ok<PromptPageResponse>, ValidationProblem>> ListAsync(
        HttpContext http, IPromptStore store, string? owner, string? tag, string? search, string? archived, string? limit, string? cursor, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        bool? archivedFilter = archived?.ToLowerInvariant() switch
        {
            null or "false" => false,
            "true" => true,
            "all" => null,
            _ => Refuse(errors, "archived", "Use 'false' (default: active prompts), 'true' (archived only) or 'all'."),
        };
        var page = ListPaging.Read(limit, cursor, MaxPageSize, PromptMetadataValidator.IsSlug, errors.Add);

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        var found = await store.ListAsync(
            new PromptQuery
            {
                Scope = PromptScope.For(http.GetCaller()),
                Owner = string.IsNullOrEmpty(owner) ? null : owner,
                Tag = string.IsNullOrEmpty(tag) ? null : tag,
                Search = search,
                Archived = archivedFilter,
                Cursor = page.Cursor,
                Limit = page.Limit,
            },
            cancellationToken);
        return TypedResults.Ok(new PromptPageResponse([.. found.Items.Select(PromptResponse.From)], found.NextCursor));
    }

    private static async Task<Results<Ok<PromptResponse>, ProblemHttpResult>> GetAsync(string idOrSlug, HttpContext http, PromptCatalog catalog, CancellationToken cancellationToken) =>
        await catalog.GetAsync(idOrSlug, http.GetCaller(), cancellationToken) is { } prompt ? TypedResults.Ok(PromptResponse.From(prompt)) : NotFound(idOrSlug);

    private static async Task<Results<Ok<PromptResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string idOrSlug, UpdatePromptRequest request, HttpContext http, PromptCatalog catalog, IPromptStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        foreach (var name in request.Unsupported?.Keys ?? Enumerable.Empty<string>())
        {
            errors.Add(name, "PATCH changes only 'description' and 'tags'; content changes are new versions (POST …/versions), labels move with PUT …/labels/{label}.");
        }

        var description = request.Description is null ? null : PromptMetadataValidator.CheckDescription(errors, request.Description) ?? "";
        var tags = PromptMetadataValidator.CheckTags(errors, request.Tags);
        if (request.Description is null && request.Tags is null && errors.Count == 0)
        {
            errors.Add("body", "Nothing to change: set 'description' or 'tags'.");
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors.ToDictionary());
        }

        if (await catalog.GetAsync(idOrSlug, http.GetCaller(), cancellationToken) is not { } prompt)
        {
            return NotFound(idOrSlug);
        }

        if (prompt.IsArchived)
        {
            return Archived(prompt);
        }

        await store.UpdateAsync(prompt.Id, description, tags, time.GetUtcNow(), cancellationToken);
        return TypedResults.Ok(PromptResponse.From((await store.GetAsync(prompt.Id, cancellationToken))!));
    }

    private static async Task<Results<Ok<PromptResponse>, ProblemHttpResult>> SetArchivedAsync(
        string idOrSlug, bool archive, HttpContext http, PromptCatalog catalog, IPromptStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        if (await catalog.GetAsync(idOrSlug, http.GetCaller(), cancellationToken) is not { } prompt)
        {
            return NotFound(idOrSlug);
        }

        // Archiving twice keeps the first time; unarchiving an active prompt changes nothing.
        if (prompt.IsArchived != archive)
        {
            var now = time.GetUtcNow();
            await store.SetArchivedAsync(prompt.Id, archive ? now : null, now, cancellationToken);
            prompt = (await store.GetAsync(prompt.Id, cancellationToken))!;
        }

        return TypedResults.Ok(PromptResponse.From(prompt));
    }

    private static bool? Refuse(FieldErrors errors, string field, string message)
    {
        errors.Add(field, message);
        return null;
    }

    private static ProblemHttpResult NotFound(string idOrSlug) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Prompt not found", detail: PromptResolution.NotFound(idOrSlug).Detail);

    private static ProblemHttpResult Archived(Prompt prompt) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Prompt archived", detail: $"The prompt '{prompt.Slug}' is archived and cannot change; unarchive it first.");
}
