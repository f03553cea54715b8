namespace Gatehouse.Configuration;

/// <summary>
/// Where prompts come from besides the API (<c>Gatehouse:Prompts</c>). The prompts themselves are
/// data in the database; a directory of prompt files is for teams that keep them in git.
/// </summary>
public sealed class PromptOptions
{
    /// <summary>A folder of <c>*.json</c> prompt files loaded at start (see docs/prompts.md); null = none.</summary>
    public string? Directory { get; set; }

    /// <summary>Seed the demo prompts into a database that has no prompts yet.</summary>
    public bool SeedDemo { get; set; } = true;
}
