using System.Text.Json;
using Gatehouse.Configuration;
using Gatehouse.Storage;
using Microsoft.Extensions.Options;

namespace Gatehouse.Prompts;

/// <summary>
/// Runs at start, after migrations: loads the prompt files of <c>Gatehouse:Prompts:Directory</c>,
/// then seeds the demo prompts if the database has no prompt at all. A bad prompt file stops
/// Gatehouse with a message naming the file and field, as a bad configuration does. Safe when
/// several replicas start at once on one database.
/// </summary>
internal sealed partial class PromptInitializer(IOptions<GatehouseOptions> options, IPromptStore store, PromptImporter importer, ILogger<PromptInitializer> logger)
{
    private const string DemoResourcePrefix = "Gatehouse.Prompts.Demo.";
    private const int MaxImportAttempts = 3;

    public async Task InitializeAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value.Prompts;
        if (settings.Directory is { Length: > 0 } directory)
        {
            await LoadDirectoryAsync(Path.GetFullPath(directory), cancellationToken);
        }

        if (settings.SeedDemo && await store.CountAsync(cancellationToken) == 0)
        {
            await SeedDemoAsync(cancellationToken);
        }
    }

    private async Task LoadDirectoryAsync(string directory, CancellationToken cancellationToken)
    {
        if (!Directory.Exists(directory))
        {
            throw new GatehouseConfigurationException($"Gatehouse:Prompts:Directory '{directory}' does not exist.");
        }

        var failures = new List<string>();
        var counts = new int[Enum.GetValues<PromptImportOutcome>().Length];
        foreach (var path in Directory.EnumerateFiles(directory, "*.json").Order(StringComparer.Ordinal))
        {
            try
            {
                await using var stream = File.OpenRead(path);
                var outcome = await ImportAsync(stream, Path.GetFileNameWithoutExtension(path), PromptSource.File, cancellationToken);
                counts[(int)outcome]++;
            }
            catch (Exception ex) when (ex is PromptImportException or JsonException or IOException)
            {
                failures.Add($"{path}: {ex.Message}");
            }
        }

        var (created, changed, reverted, unchanged) =
            (counts[(int)PromptImportOutcome.Created], counts[(int)PromptImportOutcome.NewVersion], counts[(int)PromptImportOutcome.LabelMoved], counts[(int)PromptImportOutcome.Unchanged]);
        LogFilesLoaded(directory, created, changed, reverted, unchanged);
        if (failures.Count > 0)
        {
            throw new GatehouseConfigurationException("these prompt files cannot be loaded:" + Environment.NewLine + "  - " + string.Join(Environment.NewLine + "  - ", failures));
        }
    }

    private async Task SeedDemoAsync(CancellationToken cancellationToken)
    {
        var assembly = typeof(PromptInitializer).Assembly;
        var seeded = 0;
        foreach (var resource in assembly.GetManifestResourceNames().Where(static r => r.StartsWith(DemoResourcePrefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal))
        {
            await using var stream = assembly.GetManifestResourceStream(resource)!;
            await ImportAsync(stream, resource[DemoResourcePrefix.Length..^".json".Length], PromptSource.Demo, cancellationToken);
            seeded++;
        }

        LogDemoSeeded(seeded);
    }

    private async Task<PromptImportOutcome> ImportAsync(Stream stream, string defaultSlug, PromptSource source, CancellationToken cancellationToken)
    {
        var file = await JsonSerializer.DeserializeAsync(stream, PromptJsonContext.Default.PromptFile, cancellationToken)
            ?? throw new PromptImportException("The file holds null, not a prompt.");

        // Replicas starting together import the same files: one creates a prompt or version, and
        // the other's insert conflicts. Imported again, the prompt is there and equal: unchanged.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await importer.ImportAsync(file, defaultSlug, source, cancellationToken);
            }
            catch (StorageConflictException) when (attempt < MaxImportAttempts)
            {
            }
        }
    }

    [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Prompt files in {Directory}: {Created} new, {NewVersions} changed (new version), {Reverted} back to an earlier version, {Unchanged} unchanged.")]
    private partial void LogFilesLoaded(string directory, int created, int newVersions, int reverted, int unchanged);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Information, Message = "Seeded {Count} demo prompts (Gatehouse:Prompts:SeedDemo=false turns this off).")]
    private partial void LogDemoSeeded(int count);
}
