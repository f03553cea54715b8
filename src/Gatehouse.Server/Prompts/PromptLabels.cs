using System.Text.RegularExpressions;

namespace Gatehouse.Prompts;

/// <summary>Label names and the labels with a meaning of their own.</summary>
internal static partial class PromptLabels
{
    /// <summary>What a render or execution uses when it names neither a label nor a version (the newest version when the label is not set).</summary>
    public const string Production = "production";

    /// <summary>Always the newest version; cannot be set or deleted.</summary>
    public const string Latest = "latest";

    /// <summary>Why <paramref name="label"/> cannot be set, or null when it can.</summary>
    public static string? Problem(string? label) => label switch
    {
        null or "" => "A label needs a name.",
        Latest => "'latest' always means the newest version; it cannot be set.",
        _ when !Name().IsMatch(label) => "A label is 1 to 50 lower-case letters, digits, '.', '_' and '-', starting with a letter.",
        _ => null,
    };

    [GeneratedRegex("^[a-z][a-z0-9._-]{0,49}$", RegexOptions.CultureInvariant)]
    private static partial Regex Name();
}
