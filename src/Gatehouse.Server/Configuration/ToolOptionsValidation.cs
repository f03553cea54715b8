using System.Text.RegularExpressions;

namespace Gatehouse.Configuration;

/// <summary>Checks <c>Gatehouse:Tools</c>; each failure names the key to fix.</summary>
internal static partial class ToolOptionsValidation
{
    public static void Validate(List<string> failures, GatehouseOptions options, string key)
    {
        var tools = options.Tools;
        if (tools.MinTools is < 1 or > 1000)
        {
            failures.Add($"{key}:MinTools must be between 1 and 1000.");
        }

        if (tools.MaxTools is < 1 or > 1000)
        {
            failures.Add($"{key}:MaxTools must be between 1 and 1000.");
        }
        else if (tools.MaxTools < tools.MinTools)
        {
            failures.Add($"{key}:MaxTools ({tools.MaxTools}) must not be below {key}:MinTools ({tools.MinTools}).");
        }

        if (tools.RelativeCutoff is < 0 or > 1 || double.IsNaN(tools.RelativeCutoff))
        {
            failures.Add($"{key}:RelativeCutoff must be between 0 and 1.");
        }

        if (tools.MinSavedTokens is < 0 or > 1_000_000)
        {
            failures.Add($"{key}:MinSavedTokens must be between 0 and 1000000.");
        }

        if (tools.EmbeddingCutoff is < 0 or > 1 || double.IsNaN(tools.EmbeddingCutoff))
        {
            failures.Add($"{key}:EmbeddingCutoff must be between 0 and 1.");
        }

        for (var i = 0; i < tools.Pinned.Count; i++)
        {
            if (string.IsNullOrWhiteSpace(tools.Pinned[i]))
            {
                failures.Add($"{key}:Pinned:{i} must not be empty.");
            }
        }

        foreach (var (category, patterns) in tools.Categories)
        {
            if (patterns.Count == 0 || patterns.Any(string.IsNullOrWhiteSpace))
            {
                failures.Add($"{key}:Categories:{category} needs one or more non-empty tool-name patterns.");
            }
        }

        var search = tools.Search;
        if (!FunctionName().IsMatch(search.Name ?? ""))
        {
            failures.Add($"{key}:Search:Name '{search.Name}' is not a valid function name (letters, digits, '_' or '-', 1 to 64).");
        }

        if (search.MaxRounds is < 1 or > 5)
        {
            failures.Add($"{key}:Search:MaxRounds must be between 1 and 5.");
        }

        if (search.MaxResults is < 1 or > 50)
        {
            failures.Add($"{key}:Search:MaxResults must be between 1 and 50.");
        }

        if (!Enum.IsDefined(search.StreamHoldback))
        {
            failures.Add($"{key}:Search:StreamHoldback must be FirstDelta or WholeAnswer.");
        }

        if (tools.ProfileCacheSize is < 100 or > 1_000_000)
        {
            failures.Add($"{key}:ProfileCacheSize must be between 100 and 1000000.");
        }

        if (tools.EmbeddingModel is { } model && !options.Models.ContainsKey(model))
        {
            failures.Add($"{key}:EmbeddingModel '{model}' is not a model alias under Gatehouse:Models.");
        }

        if (tools.EmbeddingWeight is < 0 or > 1 || double.IsNaN(tools.EmbeddingWeight))
        {
            failures.Add($"{key}:EmbeddingWeight must be between 0 and 1.");
        }

        if (tools.EmbeddingTimeoutMs is < 10 or > 60_000)
        {
            failures.Add($"{key}:EmbeddingTimeoutMs must be between 10 and 60000.");
        }
    }

    [GeneratedRegex("^[a-zA-Z0-9_-]{1,64}$")]
    private static partial Regex FunctionName();
}
