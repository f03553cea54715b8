using System.Net;
using Gatehouse.Storage;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Hosting;

public sealed class StartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithoutMasterKey_OneIsGeneratedPrintedOnceAndStoredAsHash()
    {
        var dataDirectory = TempDirectory.Create();
        string printed;
        await using (var first = await GatehouseServer.StartAsync(dataDirectory: dataDirectory, masterKey: null))
        {
            printed = System.Text.RegularExpressions.Regex.Match(first.Console.ToString(), @"sk-gh-admin-[A-Za-z0-9_\-]+").Value;
            Assert.NotEmpty(printed);
            using var client = first.CreateClient(printed);
            using var keys = await client.GetAsync("api/keys", Ct);
            Assert.Equal(HttpStatusCode.OK, keys.StatusCode);
            var storedHash = await first.GetService<ISettingsStore>().GetAsync("master_key_hash", Ct);
            Assert.Equal(64, storedHash!.Length);
            Assert.NotEqual(printed, storedHash);
        }

        await using var second = await GatehouseServer.StartAsync(dataDirectory: dataDirectory, masterKey: null);
        Assert.DoesNotContain("sk-gh-admin-", second.Console.ToString(), StringComparison.Ordinal);
        using var again = second.CreateClient(printed);
        using var response = await again.GetAsync("v1/models", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(File.Exists(Path.Combine(dataDirectory, "gatehouse.db")));
    }

    [Fact]
    public async Task HealthEndpoints_AnswerWithoutKey()
    {
        await using var server = await GatehouseServer.StartAsync();
        using var client = server.CreateClient(key: null);
        Assert.Equal("Healthy", await client.GetStringAsync("health/live", Ct));
        Assert.Equal("Healthy", await client.GetStringAsync("health/ready", Ct));
    }

    [Fact]
    public async Task An_unwritable_data_directory_stops_the_start_with_a_message_naming_it()
    {
        // A path under a regular file can be neither created nor written, even by root.
        var parent = TempDirectory.Create();
        var blocker = Path.Combine(parent, "not-a-directory");
        await File.WriteAllTextAsync(blocker, "", Ct);
        var dataDirectory = Path.Combine(blocker, "data");
        var configPath = Path.Combine(parent, "gatehouse.json");
        await File.WriteAllTextAsync(configPath, "{}", Ct);

        await using var server = await GatehouseProcess.StartAsync(dataDirectory, configPath, "sk-gh-startup-master", expectReady: false, workingDirectory: parent, cancellationToken: Ct);

        Assert.Equal(1, server.ExitCode);
        Assert.Contains($"Gatehouse cannot start: The data directory '{dataDirectory}' is not writable", server.Output, StringComparison.Ordinal);
        Assert.Contains("GATEHOUSE_DATA_DIR", server.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", server.Output, StringComparison.Ordinal);
    }
}
