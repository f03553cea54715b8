using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace Gatehouse.Tests.Support;

/// <summary>
/// Several Gatehouse hosts in this process (real Kestrel, port 0) on one SQLite file, as
/// <see cref="ReplicaPair"/> but any number of them and each with its logs collected: for what
/// must hold over every replica at once, such as limits shared through Redis.
/// </summary>
internal sealed class ReplicaSet : IAsyncDisposable
{
    private readonly List<GatehouseServer> _hosts = [];
    private readonly List<FakeLogCollector> _logs = [];

    private ReplicaSet()
    {
    }

    public IReadOnlyList<GatehouseServer> Hosts => _hosts;

    public int Count => _hosts.Count;

    public GatehouseServer this[int index] => _hosts[index];

    /// <summary>The log of host <paramref name="index"/> (Warning and above, Information for <c>Gatehouse.Redis</c>).</summary>
    public FakeLogCollector Logs(int index) => _logs[index];

    public static async Task<ReplicaSet> StartAsync(int count, string configJson, IEnumerable<string> extraArgs)
    {
        var shared = TempDirectory.Create();
        string[] args =
        [
            $"--ConnectionStrings:Gatehouse=Data Source={Path.Combine(shared, "gatehouse.db")}",
            "--Logging:LogLevel:Gatehouse.Redis=Information",
            .. extraArgs,
        ];
        var set = new ReplicaSet();
        try
        {
            // One after the other: the later starts find the schema migrated.
            for (var i = 0; i < count; i++)
            {
                var logs = new FakeLoggerProvider();
                set._logs.Add(logs.Collector);
                set._hosts.Add(await GatehouseServer.StartAsync(configJson, extraArgs: args, configure: builder => builder.Logging.AddProvider(logs)));
            }
        }
        catch
        {
            await set.DisposeAsync();
            throw;
        }

        return set;
    }

    /// <summary>
    /// Creates a key through the first host and waits until every host admits it; returns its secret.
    /// The notice usually arrives in milliseconds; the bound is for a loaded CI machine (a 5 s bound once failed there).
    /// </summary>
    public async Task<string> CreateKeyAsync(object key)
    {
        using var admin = _hosts[0].CreateClient();
        using var created = await admin.PostAsJsonAsync("api/keys", key, TestJson.Options, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var secret = System.Text.Json.JsonDocument.Parse(await created.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("key").GetString()!;
        foreach (var host in _hosts)
        {
            Assert.True(
                await ReplicaPair.EventuallyAsync(async () => await ReplicaPair.KeyStatusAsync(host, secret) == HttpStatusCode.OK, TimeSpan.FromSeconds(30)),
                "a host never learned the new key");
        }

        return secret;
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _hosts.Count - 1; i >= 0; i--)
        {
            await _hosts[i].DisposeAsync();
        }
    }
}
