using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Hosting;

/// <summary>
/// The README's way in: the server started in a folder with nothing set finds <c>gatehouse.json</c>
/// and <c>data/</c> in that folder, and its start-up log says which file it read and where the data
/// goes, and warns of a <c>gatehouse.json</c> it does not read. A real process, from a temp folder.
/// </summary>
public sealed class NewcomerPathTests
{
    private const string MasterKey = "sk-gh-newcomer-master";

    // The lines under test are Information; the process otherwise logs warnings only.
    private static readonly string[] StartupLog = ["--Logging:LogLevel:Gatehouse.Hosting.GatehouseInitializer=Information"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task StartedInAFolder_ReadsItsGatehouseJson_KeepsDataInItsDataFolder_AndSaysSo()
    {
        var folder = TempDirectory.Create();
        var configPath = Path.Combine(folder, "gatehouse.json");
        await File.WriteAllTextAsync(configPath, """{ "Gatehouse": { "Models": { "newcomer-model": { "Deployments": [ "sim-small" ] } } } }""", Ct);

        await using var server = await GatehouseProcess.StartAsync(dataDirectory: null, configPath: null, MasterKey, workingDirectory: folder, extraArgs: StartupLog, cancellationToken: Ct);

        Assert.Contains($"Configuration file: {configPath}", server.Output, StringComparison.Ordinal);
        Assert.Contains($"Data directory: {Path.Combine(folder, "data")}", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("is not read", server.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(folder, "data", "gatehouse.db")));
        using var client = server.CreateClient(MasterKey);
        using var models = JsonDocument.Parse(await client.GetStringAsync("v1/models", Ct));
        Assert.Contains("newcomer-model", models.RootElement.GetProperty("data").EnumerateArray().Select(static m => m.GetProperty("id").GetString()));
    }

    [Fact]
    public async Task StartedInAFolderWithoutGatehouseJson_SaysNoneWasFound_AndRunsOnTheDefaults()
    {
        var folder = TempDirectory.Create();

        await using var server = await GatehouseProcess.StartAsync(dataDirectory: null, configPath: null, MasterKey, workingDirectory: folder, extraArgs: StartupLog, cancellationToken: Ct);

        Assert.Contains($"Configuration file: none found at {Path.Combine(folder, "gatehouse.json")}", server.Output, StringComparison.Ordinal);
        Assert.Contains($"Data directory: {Path.Combine(folder, "data")}", server.Output, StringComparison.Ordinal);
        using var client = server.CreateClient(MasterKey);
        Assert.Contains("sim-small", await client.GetStringAsync("v1/models", Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AGatehouseJsonInTheFolder_WhileGatehouseConfigNamesAnother_IsAWarning()
    {
        var folder = TempDirectory.Create();
        var unread = Path.Combine(folder, "gatehouse.json");
        await File.WriteAllTextAsync(unread, "{}", Ct);
        var elsewhere = TempDirectory.Create();
        var chosen = Path.Combine(elsewhere, "custom.json");
        await File.WriteAllTextAsync(chosen, "{}", Ct);

        await using var server = await GatehouseProcess.StartAsync(dataDirectory: Path.Combine(elsewhere, "data"), chosen, MasterKey, workingDirectory: folder, extraArgs: StartupLog, cancellationToken: Ct);

        Assert.Contains($"Configuration file: {chosen}", server.Output, StringComparison.Ordinal);
        var warning = server.Output.Split('\n').SkipWhile(static l => !l.StartsWith("warn: Gatehouse.Hosting.GatehouseInitializer[1507]", StringComparison.Ordinal)).Skip(1).FirstOrDefault();
        Assert.Equal(
            $"{unread} exists but is not read: the configuration file is {chosen}. Move your settings there, or set GATEHOUSE_CONFIG to the file you mean.",
            warning?.Trim());
    }
}
