using Gatehouse.Keys;
using Gatehouse.Routing;
using Gatehouse.Storage;

namespace Gatehouse.Prompts;

/// <summary>
/// Creates prompts and adds versions after checking everything at once. Ownership is decided here:
/// a virtual key's prompts belong to its owner (or, without one, to the key alone; see <see cref="PromptScope"/>).
/// </summary>
internal sealed class PromptService(IPromptStore store, RouteTableProvider routes, TimeProvider timeProvider)
{
    /// <summary>The prompt and its version 1, or the problems; <see cref="StorageConflictException"/> when the slug is taken.</summary>
    public async Task<(Prompt? Prompt, PromptVersion? Version, FieldErrors Errors)> CreateAsync(
        CreatePromptRequest request, CallerIdentity caller, PromptSource source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new FieldErrors();
        var slug = PromptMetadataValidator.CheckSlug(errors, request.Slug);
        var description = PromptMetadataValidator.CheckDescription(errors, request.Description);
        var tags = PromptMetadataValidator.CheckTags(errors, request.Tags) ?? [];
        var labels = PromptMetadataValidator.CheckLabels(errors, request.Labels);
        var owner = OwnerFor(errors, request.Owner, caller);
        var definition = PromptDefinitionValidator.Validate(request.ToDefinition(), ModelExists, errors);
        if (errors.Count > 0)
        {
            return (null, null, errors);
        }

        var now = timeProvider.GetUtcNow();
        var prompt = new Prompt
        {
            Id = Prompt.NewId(),
            Slug = slug!,
            Description = description,
            Owner = owner,
            CreatedByKey = caller.KeyId,
            Tags = tags,
            Source = source,
            CreatedAt = now,
            UpdatedAt = now,
            LatestVersion = 1,
            Labels = labels.ToDictionary(static l => l, static _ => 1, StringComparer.Ordinal),
        };
        var version = NewVersion(prompt.Id, definition, request.Note, caller, now) with { Version = 1 };
        await store.InsertAsync(prompt, version, cancellationToken);
        return (prompt, version, errors);
    }

    /// <summary>The new version, or the problems. The prompt must be one the caller may see and not archived.</summary>
    public async Task<(PromptVersion? Version, FieldErrors Errors)> AddVersionAsync(
        Prompt prompt, PromptDefinition requested, string? note, IReadOnlyList<string>? labels, CallerIdentity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        var errors = new FieldErrors();
        var checkedLabels = PromptMetadataValidator.CheckLabels(errors, labels);
        var definition = PromptDefinitionValidator.Validate(requested, ModelExists, errors);
        if (errors.Count > 0)
        {
            return (null, errors);
        }

        var version = await store.AddVersionAsync(NewVersion(prompt.Id, definition, note, caller, timeProvider.GetUtcNow()), checkedLabels, cancellationToken);
        return (version, errors);
    }

    public static PromptVersion NewVersion(string promptId, PromptDefinition normalized, string? note, CallerIdentity caller, DateTimeOffset now)
    {
        var content = PromptContent.ToJson(normalized);
        return new PromptVersion
        {
            PromptId = promptId,
            Version = 0, // the store assigns the next number
            Definition = normalized,
            ContentHash = PromptContent.Hash(content),
            Note = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            CreatedByKey = caller.KeyId,
            CreatedAt = now,
        };
    }

    private bool ModelExists(string model) => routes.Current.TryGet(model, out _);

    /// <summary>The admin names any owner (or none); a virtual key may only name its own.</summary>
    private static string? OwnerFor(FieldErrors errors, string? requested, CallerIdentity caller)
    {
        var owner = string.IsNullOrWhiteSpace(requested) ? null : requested.Trim();
        if (caller.IsAdmin)
        {
            return owner;
        }

        if (owner is not null && !string.Equals(owner, caller.Owner, StringComparison.Ordinal))
        {
            errors.Add("owner", caller.Owner is null
                ? "This key has no owner, so its prompts are its own; leave 'owner' out."
                : $"A key creates prompts for its own owner ('{caller.Owner}'); leave 'owner' out or give that.");
        }

        return caller.Owner;
    }
}
