using Xunit;
using System.Net.Http.Headers;
using System.Text;
using Gatehouse.Hosting;
using Gatehouse.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gatehouse.Tests.Support;

/// <summary>
/// A real Gatehouse on Kestrel, port 0, with its own data directory and configuration file.
/// Tests talk to it over HTTP exactly as clients do.
/// </summary>
internal sealed class GatehouseServer : IAsyncDisposable
{
    public const string MasterKey = "sk-gh-test-master-key";

    /// <summary>The simulator's chat and embedding models with no artificial latency.</summary>
    public const string FastSimulatorConfig = """
        { "Gatehouse": { "Deployments": {
            "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
            "sim-medium": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
            "sim-embedding": { "Simulation": { "TimeToFirstTokenMs": 0 } } } } }
        """;

    private GatehouseServer(WebApplication app, string dataDirectory, string configPath, StringWriter console)
    {
        App = app;
        DataDirectory = dataDirectory;
        ConfigPath = configPath;
        Console = console;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal) + "/");
    }

    public WebApplication App { get; }

    public Uri BaseAddress { get; }

    public Uri V1 => new(BaseAddress, "v1/");

    public string DataDirectory { get; }

    public string ConfigPath { get; }

    public StringWriter Console { get; }

    public static async Task<GatehouseServer> StartAsync(string? configJson = null, string? dataDirectory = null, string? masterKey = MasterKey, Action<WebApplicationBuilder>? configure = null, IEnumerable<string>? extraArgs = null)
    {
        dataDirectory ??= TempDirectory.Create();
        var configPath = Path.Combine(dataDirectory, "gatehouse.json");
        await File.WriteAllTextAsync(configPath, configJson ?? "{}");
        var args = new List<string>
        {
            "--urls=http://127.0.0.1:0",
            $"--GATEHOUSE_DATA_DIR={dataDirectory}",
            $"--GATEHOUSE_CONFIG={configPath}",
            "--Logging:LogLevel:Default=Warning",
        };
        if (masterKey is not null)
        {
            args.Add($"--GATEHOUSE_MASTER_KEY={masterKey}");
        }

        args.AddRange(extraArgs ?? []);

        var app = GatehouseApp.Build([.. args], builder =>
        {
            builder.Logging.ClearProviders();
            configure?.Invoke(builder);
        });
        var console = new StringWriter();
        try
        {
            await GatehouseApp.StartAsync(app, console, TestContext.Current.CancellationToken);
        }
        catch
        {
            // A start that fails (bad configuration, a migration refused) must not leave the host
            // and its background services running for the rest of the test run.
            await app.DisposeAsync();
            throw;
        }

        return new GatehouseServer(app, dataDirectory, configPath, console);
    }

    public HttpClient CreateClient(string? key = MasterKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        if (key is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        return client;
    }

    public T GetService<T>()
        where T : notnull => App.Services.GetRequiredService<T>();

    /// <summary>Waits until the background writer has stored <paramref name="count"/> records, then returns them all.</summary>
    public async Task<IReadOnlyList<global::Gatehouse.Records.RequestRecord>> WaitForRecordsAsync(int count)
    {
        var store = GetService<IRequestRecordStore>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var all = await ReadAllRecordsAsync(store);
            if (all.Count >= count || DateTime.UtcNow > deadline)
            {
                return all;
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public static async Task<IReadOnlyList<global::Gatehouse.Records.RequestRecord>> ReadAllRecordsAsync(IRequestRecordStore store)
    {
        var all = new List<global::Gatehouse.Records.RequestRecord>();
        string? cursor = null;
        do
        {
            var page = await store.QueryAsync(new global::Gatehouse.Records.RequestRecordQuery { Cursor = cursor, Limit = 500 }, TestContext.Current.CancellationToken);
            all.AddRange(page.Items);
            cursor = page.NextCursor;
        }
        while (cursor is not null);
        return all;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync(CancellationToken.None);
        await App.DisposeAsync();
    }
}
