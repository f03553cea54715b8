namespace Gatehouse.Hosting;

/// <summary>
/// The configuration file Gatehouse reads (<c>GATEHOUSE_CONFIG</c>, or <c>gatehouse.json</c> in the
/// working directory) and the <c>gatehouse.json</c> files it does not, for the start-up log: a file
/// edited in the wrong place is otherwise silently ignored, and the server runs on its defaults.
/// </summary>
internal sealed record ConfigurationFile(string Path, bool Exists, bool Chosen)
{
    public const string DefaultName = "gatehouse.json";

    public static ConfigurationFile Resolve(string? chosenPath)
    {
        var path = System.IO.Path.GetFullPath(chosenPath is { Length: > 0 } ? chosenPath : DefaultName);
        return new ConfigurationFile(path, File.Exists(path), chosenPath is { Length: > 0 });
    }

    /// <summary>
    /// <c>gatehouse.json</c> files where a newcomer might have put one, that exist but are not this one:
    /// the working directory, the data directory, the directory of the server's binaries and, when those
    /// are a build output (<c>&lt;project&gt;/bin/&lt;configuration&gt;/&lt;framework&gt;/</c>), the project's.
    /// </summary>
    public IReadOnlyList<string> UnreadCandidates(string dataDirectory)
    {
        var binaries = AppContext.BaseDirectory;
        var candidates = new List<string>
        {
            System.IO.Path.GetFullPath(DefaultName),
            System.IO.Path.Combine(dataDirectory, DefaultName),
            System.IO.Path.Combine(binaries, DefaultName),
        };
        if (ProjectOf(binaries) is { } project)
        {
            candidates.Add(System.IO.Path.Combine(project, DefaultName));
        }

        return [.. candidates
            .Select(static c => System.IO.Path.GetFullPath(c))
            .Distinct(StringComparer.Ordinal)
            .Where(c => !string.Equals(c, Path, StringComparison.Ordinal) && File.Exists(c))];
    }

    private static string? ProjectOf(string binaries)
    {
        var framework = new DirectoryInfo(binaries.TrimEnd(System.IO.Path.DirectorySeparatorChar, System.IO.Path.AltDirectorySeparatorChar));
        var bin = framework.Parent?.Parent;
        return bin is { Name: "bin", Parent: { } project } ? project.FullName : null;
    }
}
