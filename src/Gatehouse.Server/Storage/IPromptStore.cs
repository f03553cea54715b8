using Gatehouse.Prompts;

namespace Gatehouse.Storage;

/// <summary>Prompts, their immutable versions, labels and tags. Versions are only ever added; labels move.</summary>
internal interface IPromptStore
{
    /// <summary>Stores a prompt with its version 1 and the labels in <see cref="Prompt.Labels"/>, all or nothing.</summary>
    /// <exception cref="StorageConflictException">Another prompt has the slug.</exception>
    Task InsertAsync(Prompt prompt, PromptVersion first, CancellationToken cancellationToken);

    /// <summary>By id or slug, with tags, labels and the latest version number; whoever owns it.</summary>
    Task<Prompt?> GetAsync(string idOrSlug, CancellationToken cancellationToken);

    /// <summary>A page in slug order within the query's scope.</summary>
    Task<PromptPage> ListAsync(PromptQuery query, CancellationToken cancellationToken);

    /// <summary>How many prompts exist, archived ones included.</summary>
    Task<long> CountAsync(CancellationToken cancellationToken);

    /// <summary>Replaces what is not null (an empty description clears it); false when no such prompt exists.</summary>
    Task<bool> UpdateAsync(string id, string? description, IReadOnlyList<string>? tags, DateTimeOffset updatedAt, CancellationToken cancellationToken);

    /// <summary>Archives (a time) or unarchives (null); false when no such prompt exists.</summary>
    Task<bool> SetArchivedAsync(string id, DateTimeOffset? archivedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken);

    /// <summary>
    /// Adds <paramref name="draft"/> as the next version number (assigned here, atomically) and moves
    /// <paramref name="labels"/> to it; null when no such prompt exists.
    /// </summary>
    Task<PromptVersion?> AddVersionAsync(PromptVersion draft, IReadOnlyList<string> labels, CancellationToken cancellationToken);

    /// <summary>Newest first.</summary>
    Task<IReadOnlyList<PromptVersion>> ListVersionsAsync(string promptId, CancellationToken cancellationToken);

    Task<PromptVersion?> GetVersionAsync(string promptId, int version, CancellationToken cancellationToken);

    /// <summary>The newest version whose content has this hash, or null.</summary>
    Task<PromptVersion?> FindVersionAsync(string promptId, string contentHash, CancellationToken cancellationToken);

    /// <summary>Points the label at the version (creating or moving it); false when the version does not exist.</summary>
    Task<bool> SetLabelAsync(string promptId, string label, int version, DateTimeOffset updatedAt, CancellationToken cancellationToken);

    /// <summary>False when the prompt had no such label.</summary>
    Task<bool> DeleteLabelAsync(string promptId, string label, CancellationToken cancellationToken);
}
