namespace Gatehouse.Tests.Support;

/// <summary>
/// Several Gatehouse server processes on one PostgreSQL database and one Redis, as a scale-out
/// deployment runs them: the same configuration and master key, each replica its own data directory
/// (its record journal is local). Started together, so their migrations race as they do in production.
/// </summary>
internal sealed class ScaleOutCluster : IAsyncDisposable
{
    public const string MasterKey = "sk-gh-scaleout-master";

    private readonly GatehouseProcess?[] _replicas;
    private readonly string[] _dataDirectories;
    private readonly string _configPath;
    private readonly string[] _settings;

    private ScaleOutCluster(int replicas, string configPath, string[] settings)
    {
        _replicas = new GatehouseProcess?[replicas];
        _dataDirectories = [.. Enumerable.Range(0, replicas).Select(_ => TempDirectory.Create())];
        _configPath = configPath;
        _settings = settings;
    }

    /// <summary>The running replica <paramref name="index"/> (throws when it was killed and not restarted).</summary>
    public GatehouseProcess this[int index] => _replicas[index] ?? throw new InvalidOperationException($"Replica {index} is not running.");

    public int Count => _replicas.Length;

    public string DataDirectory(int index) => _dataDirectories[index];

    /// <param name="postgres">The database every replica shares (<c>ConnectionStrings:Gatehouse</c>).</param>
    /// <param name="redis"><c>host:port</c> of the Redis every replica shares, with a fresh key prefix for this cluster.</param>
    public static async Task<ScaleOutCluster> StartAsync(int replicas, string configJson, string postgres, string redis, IEnumerable<string>? settings = null, CancellationToken cancellationToken = default)
    {
        var configDirectory = TempDirectory.Create();
        var configPath = Path.Combine(configDirectory, "gatehouse.json");
        await File.WriteAllTextAsync(configPath, configJson, cancellationToken);
        var cluster = new ScaleOutCluster(replicas, configPath,
        [
            "--Gatehouse:Storage:Provider=PostgreSql",
            $"--ConnectionStrings:Gatehouse={postgres}",
            $"--ConnectionStrings:Redis={redis}",
            $"--Gatehouse:Redis:KeyPrefix=gh-test-{Guid.NewGuid():N}:",
            .. settings ?? [],
        ]);
        try
        {
            await Task.WhenAll(Enumerable.Range(0, replicas).Select(i => cluster.StartReplicaAsync(i, cancellationToken)));
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return cluster;
    }

    /// <summary>Starts replica <paramref name="index"/> (again) on its own data directory, replaying its journal.</summary>
    public async Task<GatehouseProcess> StartReplicaAsync(int index, CancellationToken cancellationToken = default)
    {
        if (_replicas[index] is { HasExited: false })
        {
            throw new InvalidOperationException($"Replica {index} is already running.");
        }

        var replica = await GatehouseProcess.StartAsync(_dataDirectories[index], _configPath, MasterKey, cancellationToken: cancellationToken, extraArgs: _settings);
        _replicas[index] = replica;
        return replica;
    }

    /// <summary>SIGKILL: the replica ends at once, as a crashed machine does.</summary>
    public async Task KillAsync(int index)
    {
        await this[index].KillAsync();
        await this[index].DisposeAsync();
        _replicas[index] = null;
    }

    /// <summary>SIGTERM: a graceful stop (Kestrel drains, the writers finish).</summary>
    public async Task StopAsync(int index)
    {
        await this[index].TerminateAsync(TimeSpan.FromSeconds(60));
        await this[index].DisposeAsync();
        _replicas[index] = null;
    }

    public HttpClient CreateClient(int index, string key = MasterKey) => this[index].CreateClient(key);

    public async ValueTask DisposeAsync()
    {
        foreach (var replica in _replicas)
        {
            if (replica is not null)
            {
                await replica.DisposeAsync();
            }
        }
    }
}
