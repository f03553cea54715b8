using Gatehouse.Tests.Support;
using Npgsql;
using Xunit;

namespace Gatehouse.Tests.ScaleOut;

/// <summary>
/// One empty PostgreSQL database (which the replicas migrate as they start, racing for the lock as in
/// production) and the suite's Redis, with the cluster's own key prefix; dropped at the end. Skips the
/// test with a reason when the suite has no PostgreSQL or Redis (eng/test.sh starts both).
/// </summary>
internal sealed class ScaleOutEnvironment : IAsyncDisposable
{
    private readonly string _server;

    private ScaleOutEnvironment(string server, string database, string redis)
    {
        _server = server;
        DatabaseName = database;
        Redis = redis;
        ConnectionString = new NpgsqlConnectionStringBuilder(server) { Database = database, Pooling = false }.ConnectionString;
    }

    public string DatabaseName { get; }

    /// <summary><c>ConnectionStrings:Gatehouse</c> of every replica.</summary>
    public string ConnectionString { get; }

    /// <summary><c>host:port</c> of the suite's Redis.</summary>
    public string Redis { get; }

    public static async Task<ScaleOutEnvironment> CreateAsync(string? redis = null)
    {
        var server = Environment.GetEnvironmentVariable("GATEHOUSE_TEST_POSTGRES");
        if (string.IsNullOrWhiteSpace(server))
        {
            Assert.Skip("Scale-out tests need GATEHOUSE_TEST_POSTGRES (eng/test.sh starts a server)");
        }

        redis ??= Environment.GetEnvironmentVariable("GATEHOUSE_TEST_REDIS");
        if (string.IsNullOrWhiteSpace(redis))
        {
            Assert.Skip("Scale-out tests need GATEHOUSE_TEST_REDIS (eng/test.sh starts a server)");
        }

        var name = $"gh_scaleout_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync(TestContext.Current.CancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
        }

        return new ScaleOutEnvironment(server, name, redis);
    }

    public Task<ScaleOutCluster> StartClusterAsync(int replicas, string configJson, IEnumerable<string>? settings = null) =>
        ScaleOutCluster.StartAsync(replicas, configJson, ConnectionString, Redis, settings, TestContext.Current.CancellationToken);

    public async Task<T?> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        var value = await command.ExecuteScalarAsync(TestContext.Current.CancellationToken);
        return value is null or DBNull ? default : (T)Convert.ChangeType(value, typeof(T), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(_server);
        await connection.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {DatabaseName} WITH (FORCE)", connection);
        await drop.ExecuteNonQueryAsync();
    }
}
