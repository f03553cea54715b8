using Gatehouse.Keys;
using Gatehouse.Storage;

namespace Gatehouse.Prompts;

/// <summary>
/// Finds prompts and versions for a caller. Everything outside the caller's <see cref="PromptScope"/>
/// is reported exactly like a prompt that does not exist. The entry point executions use:
/// <see cref="ResolveAsync"/>, then <see cref="PromptRenderer.Render"/>.
/// </summary>
internal sealed class PromptCatalog(IPromptStore store)
{
    /// <summary>The prompt if it exists and <paramref name="caller"/> may see it; null otherwise.</summary>
    public async Task<Prompt?> GetAsync(string idOrSlug, CallerIdentity caller, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrSlug);
        var prompt = await store.GetAsync(idOrSlug, cancellationToken);
        return prompt is not null && PromptScope.For(caller).Sees(prompt) ? prompt : null;
    }

    /// <summary>
    /// The version to render: <paramref name="version"/> when given, else the one
    /// <paramref name="label"/> points at (<c>latest</c> = the newest), else the one <c>production</c>
    /// points at, else the newest. Archived prompts are refused.
    /// </summary>
    public Task<PromptResolution> ResolveAsync(string idOrSlug, string? label, int? version, CallerIdentity caller, CancellationToken cancellationToken) =>
        ResolveAsync(idOrSlug, label, version, caller, includeArchived: false, cancellationToken);

    /// <summary>As above; <paramref name="includeArchived"/> lets an archived prompt's versions be read (not used).</summary>
    public async Task<PromptResolution> ResolveAsync(string idOrSlug, string? label, int? version, CallerIdentity caller, bool includeArchived, CancellationToken cancellationToken)
    {
        var prompt = await GetAsync(idOrSlug, caller, cancellationToken);
        if (prompt is null)
        {
            return PromptResolution.NotFound(idOrSlug);
        }

        if (label is not null && version is not null)
        {
            return new(PromptResolutionStatus.Ambiguous, prompt, null, label, "Give a label or a version, not both.");
        }

        if (prompt.IsArchived && !includeArchived)
        {
            return new(PromptResolutionStatus.Archived, prompt, null, label, $"The prompt '{prompt.Slug}' is archived; unarchive it to use it.");
        }

        int number;
        if (version is { } requested)
        {
            number = requested;
        }
        else if (label is null or PromptLabels.Latest)
        {
            number = label is null && prompt.Labels.TryGetValue(PromptLabels.Production, out var production) ? production : prompt.LatestVersion;
            label ??= prompt.Labels.ContainsKey(PromptLabels.Production) ? PromptLabels.Production : PromptLabels.Latest;
        }
        else if (!prompt.Labels.TryGetValue(label, out number))
        {
            return new(PromptResolutionStatus.LabelNotFound, prompt, null, label,
                $"The prompt '{prompt.Slug}' has no label '{label}' (it has: {string.Join(", ", prompt.Labels.Keys.Append(PromptLabels.Latest))}).");
        }

        var found = await store.GetVersionAsync(prompt.Id, number, cancellationToken);
        return found is null
            ? new(PromptResolutionStatus.VersionNotFound, prompt, null, label, $"The prompt '{prompt.Slug}' has no version {number} (the newest is {prompt.LatestVersion}).")
            : new(PromptResolutionStatus.Found, prompt, found, version is null ? label : null, $"Version {number} of '{prompt.Slug}'.");
    }
}
