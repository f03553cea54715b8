using Gatehouse.Keys;
using Gatehouse.Routing;
using Gatehouse.Storage;

namespace Gatehouse.Prompts;

/// <summary>What importing one prompt file did.</summary>
internal enum PromptImportOutcome
{
    Created,
    NewVersion,

    /// <summary>The content matched an older version; <c>production</c> moved back to it.</summary>
    LabelMoved,

    Unchanged,
}

/// <summary>
/// Brings a prompt file into the store idempotently: a new slug becomes a prompt, content seen
/// before (same hash) reuses its version, changed content becomes a new version, and
/// <c>production</c> always ends on the file's content. Files and demo data are imported as the admin.
/// </summary>
internal sealed class PromptImporter(IPromptStore store, PromptService prompts, RouteTableProvider routes, TimeProvider timeProvider)
{
    /// <exception cref="PromptImportException">The file is invalid, or its slug belongs to a prompt from elsewhere; the message names the fields.</exception>
    public async Task<PromptImportOutcome> ImportAsync(PromptFile file, string defaultSlug, PromptSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(file);
        var request = new CreatePromptRequest
        {
            Slug = file.Slug ?? defaultSlug,
            Description = file.Description,
            Owner = file.Owner,
            Tags = file.Tags,
            Labels = [PromptLabels.Production],
            Note = $"Loaded from {source.ToString().ToLowerInvariant()}",
            Messages = file.Messages,
            Variables = file.Variables,
            Model = file.Model,
            Parameters = file.Parameters,
            Tools = file.Tools,
            Output = file.Output,
        };
        var existing = await store.GetAsync(request.Slug, cancellationToken);
        if (existing is null)
        {
            var (created, _, errors) = await prompts.CreateAsync(request, CallerIdentity.Master, source, cancellationToken);
            return created is not null ? PromptImportOutcome.Created : throw PromptImportException.From(errors);
        }

        if (existing.Source != source)
        {
            throw new PromptImportException(
                $"The slug '{existing.Slug}' belongs to a prompt from {existing.Source.ToString().ToLowerInvariant()} ({existing.Id}); rename the file's slug or archive and rename that prompt.");
        }

        var problems = new FieldErrors();
        var definition = PromptDefinitionValidator.Validate(request.ToDefinition(), model => routes.Current.TryGet(model, out _), problems);
        PromptMetadataValidator.CheckDescription(problems, file.Description);
        var tags = PromptMetadataValidator.CheckTags(problems, file.Tags) ?? [];
        if (problems.Count > 0)
        {
            throw PromptImportException.From(problems);
        }

        var description = PromptMetadataValidator.CheckDescription(problems, file.Description);
        if (!string.Equals(description, existing.Description, StringComparison.Ordinal) || !tags.SequenceEqual(existing.Tags, StringComparer.Ordinal))
        {
            await store.UpdateAsync(existing.Id, description ?? "", tags, timeProvider.GetUtcNow(), cancellationToken);
        }

        var draft = PromptService.NewVersion(existing.Id, definition, request.Note, CallerIdentity.Master, timeProvider.GetUtcNow());
        if (await store.FindVersionAsync(existing.Id, draft.ContentHash, cancellationToken) is { } known)
        {
            if (existing.Labels.TryGetValue(PromptLabels.Production, out var production) && production == known.Version)
            {
                return PromptImportOutcome.Unchanged;
            }

            await store.SetLabelAsync(existing.Id, PromptLabels.Production, known.Version, timeProvider.GetUtcNow(), cancellationToken);
            return PromptImportOutcome.LabelMoved;
        }

        await store.AddVersionAsync(draft, [PromptLabels.Production], cancellationToken);
        return PromptImportOutcome.NewVersion;
    }
}

/// <summary>A prompt file that cannot be imported, with every reason.</summary>
internal sealed class PromptImportException(string message) : Exception(message)
{
    public static PromptImportException From(FieldErrors errors) =>
        new(string.Join("; ", errors.ToDictionary().Select(static e => $"{e.Key}: {string.Join(" ", e.Value)}")));
}
