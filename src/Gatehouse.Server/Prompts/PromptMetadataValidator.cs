using System.Text.RegularExpressions;

namespace Gatehouse.Prompts;

/// <summary>Checks a prompt's slug, description, tags and labels, each error under the field to fix.</summary>
internal static partial class PromptMetadataValidator
{
    public const int MaxDescriptionLength = 2000;
    public const int MaxTags = 20;
    public const int MaxTagLength = 50;

    public static string? CheckSlug(FieldErrors errors, string? slug)
    {
        var trimmed = slug?.Trim();
        if (trimmed is null || !Slug().IsMatch(trimmed) || trimmed.StartsWith("prm_", StringComparison.Ordinal))
        {
            errors.Add("slug", "A slug is 1 to 100 lower-case letters, digits, '.', '_' and '-', starting with a letter or digit (and not with 'prm_', which starts ids).");
        }

        return trimmed;
    }

    /// <summary>Whether <paramref name="value"/> has a slug's form (every stored prompt's slug does; a list's cursor is one).</summary>
    public static bool IsSlug(string value) => Slug().IsMatch(value);

    public static string? CheckDescription(FieldErrors errors, string? description)
    {
        if (description is not null && description.Length > MaxDescriptionLength)
        {
            errors.Add("description", $"At most {MaxDescriptionLength} characters.");
        }

        return string.IsNullOrWhiteSpace(description) ? null : description.Trim();
    }

    public static IReadOnlyList<string>? CheckTags(FieldErrors errors, IReadOnlyList<string>? tags)
    {
        if (tags is null)
        {
            return null;
        }

        if (tags.Count > MaxTags || tags.Any(t => string.IsNullOrWhiteSpace(t) || t.Trim().Length > MaxTagLength))
        {
            errors.Add("tags", $"At most {MaxTags} tags, each 1 to {MaxTagLength} characters.");
        }

        return [.. tags.Where(t => !string.IsNullOrWhiteSpace(t)).Select(t => t.Trim()).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];
    }

    public static IReadOnlyList<string> CheckLabels(FieldErrors errors, IReadOnlyList<string>? labels)
    {
        foreach (var label in labels ?? [])
        {
            if (PromptLabels.Problem(label) is { } problem)
            {
                errors.Add("labels", $"'{label}': {problem}");
            }
        }

        return [.. (labels ?? []).Distinct(StringComparer.Ordinal)];
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex Slug();
}
