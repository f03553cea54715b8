using System.Globalization;
using Gatehouse.Hosting;
using Gatehouse.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Prompts;

internal static partial class PromptEndpoints
{
    private static async Task<Results<Created<PromptVersionResponse>, ValidationProblem, ProblemHttpResult>> AddVersionAsync(
        string idOrSlug, AddVersionRequest request, HttpContext http, PromptCatalog catalog, PromptService prompts, IPromptStore store, CancellationToken cancellationToken)
    {
        var caller = http.GetCaller();
        if (await catalog.GetAsync(idOrSlug, caller, cancellationToken) is not { } prompt)
        {
            return NotFound(idOrSlug);
        }

        if (prompt.IsArchived)
        {
            return Archived(prompt);
        }

        var (version, errors) = await prompts.AddVersionAsync(prompt, request.ToDefinition(), request.Note, request.Labels, caller, cancellationToken);
        if (version is null)
        {
            return errors.Count > 0 ? TypedResults.ValidationProblem(errors.ToDictionary()) : NotFound(idOrSlug);
        }

        var updated = (await store.GetAsync(prompt.Id, cancellationToken))!;
        return TypedResults.Created($"/api/prompts/{prompt.Id}/versions/{version.Version}", PromptVersionResponse.From(updated, version));
    }

    private static async Task<Results<Ok<PromptVersionResponse[]>, ProblemHttpResult>> ListVersionsAsync(
        string idOrSlug, HttpContext http, PromptCatalog catalog, IPromptStore store, CancellationToken cancellationToken)
    {
        if (await catalog.GetAsync(idOrSlug, http.GetCaller(), cancellationToken) is not { } prompt)
        {
            return NotFound(idOrSlug);
        }

        var versions = await store.ListVersionsAsync(prompt.Id, cancellationToken);
        return TypedResults.Ok(versions.Select(v => PromptVersionResponse.From(prompt, v)).ToArray());
    }

    /// <summary><paramref name="versionOrLabel"/> is a number, a label, or <c>latest</c>.</summary>
    private static async Task<Results<Ok<PromptVersionResponse>, ProblemHttpResult>> GetVersionAsync(
        string idOrSlug, string versionOrLabel, HttpContext http, PromptCatalog catalog, CancellationToken cancellationToken)
    {
        var isNumber = int.TryParse(versionOrLabel, NumberStyles.None, CultureInfo.InvariantCulture, out var number);

        // Reading a version of an archived prompt is fine; only using it is not.
        var resolution = await catalog.ResolveAsync(idOrSlug, isNumber ? null : versionOrLabel, isNumber ? number : null, http.GetCaller(), includeArchived: true, cancellationToken);

        return resolution.Found ? TypedResults.Ok(PromptVersionResponse.From(resolution.Prompt!, resolution.Version!)) : Problem(resolution);
    }

    private static async Task<Results<Ok<PromptResponse>, ValidationProblem, ProblemHttpResult>> SetLabelAsync(
        string idOrSlug, string label, SetLabelRequest request, HttpContext http, PromptCatalog catalog, IPromptStore store, TimeProvider time, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        if (PromptLabels.Problem(label) is { } problem)
        {
            errors.Add("label", problem);
        }

        if (request.Version is not > 0)
        {
            errors.Add("version", "Give the version number the label points at: {\"version\": 3}.");
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

        if (!await store.SetLabelAsync(prompt.Id, label, request.Version!.Value, time.GetUtcNow(), cancellationToken))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Version not found",
                detail: $"The prompt '{prompt.Slug}' has no version {request.Version} (the newest is {prompt.LatestVersion}).");
        }

        return TypedResults.Ok(PromptResponse.From((await store.GetAsync(prompt.Id, cancellationToken))!));
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteLabelAsync(
        string idOrSlug, string label, HttpContext http, PromptCatalog catalog, IPromptStore store, CancellationToken cancellationToken)
    {
        if (await catalog.GetAsync(idOrSlug, http.GetCaller(), cancellationToken) is not { } prompt)
        {
            return NotFound(idOrSlug);
        }

        if (prompt.IsArchived)
        {
            return Archived(prompt);
        }

        return await store.DeleteLabelAsync(prompt.Id, label, cancellationToken)
            ? TypedResults.NoContent()
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Label not found", detail: $"The prompt '{prompt.Slug}' has no label '{label}'.");
    }

    /// <summary>Renders without calling a model: 200 with the messages and the request an execution would send, or 422 naming every problem.</summary>
    private static async Task<Results<Ok<RenderPromptResponse>, ProblemHttpResult>> RenderAsync(
        string idOrSlug, RenderPromptRequest request, HttpContext http, PromptCatalog catalog, PromptRenderer renderer, CancellationToken cancellationToken)
    {
        var resolution = await catalog.ResolveAsync(idOrSlug, request.Label, request.Version, http.GetCaller(), cancellationToken);
        if (!resolution.Found)
        {
            return Problem(resolution);
        }

        var result = renderer.Render(resolution.Version!, request.Inputs);
        return result.Succeeded
            ? TypedResults.Ok(RenderPromptResponse.From(resolution.Prompt!, resolution.Label, result.Prompt!))
            : RenderProblem(result);
    }

    /// <summary>A failed render as a 422 ValidationProblem: every problem, keyed by field (<c>inputs.tone</c>, <c>messages[0].content</c>).</summary>
    public static ProblemHttpResult RenderProblem(PromptRenderResult result) =>
        TypedResults.Problem(new HttpValidationProblemDetails(result.Errors.ToDictionary(static e => e.Key, static e => e.Value))
        {
            Status = StatusCodes.Status422UnprocessableEntity,
            Title = "The prompt cannot be rendered with these inputs",
            Detail = $"{result.Errors.Count} problem(s); nothing was sent to a model.",
        });

    /// <summary>A resolution that found nothing usable, as ProblemDetails.</summary>
    public static ProblemHttpResult Problem(PromptResolution resolution) =>
        TypedResults.Problem(
            statusCode: resolution.StatusCode,
            title: resolution.Status switch
            {
                PromptResolutionStatus.Archived => "Prompt archived",
                PromptResolutionStatus.Ambiguous => "Label or version",
                PromptResolutionStatus.LabelNotFound => "Label not found",
                PromptResolutionStatus.VersionNotFound => "Version not found",
                _ => "Prompt not found",
            },
            detail: resolution.Detail);
}
