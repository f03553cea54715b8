using Gatehouse.Configuration;
using Gatehouse.Hosting;
using Gatehouse.Storage;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gatehouse.Tests.Hosting;

/// <summary>How configuration chooses the back ends, and how a wrong choice stops the start.</summary>
public sealed class BackEndConfigurationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static GatehouseConfigurationException BuildFails(params string[] settings)
    {
        var args = new List<string> { "--urls=http://127.0.0.1:0", $"--GATEHOUSE_DATA_DIR={TempDirectory.Create()}" };
        args.AddRange(settings.Select(s => "--" + s));
        return Assert.Throws<GatehouseConfigurationException>(() => GatehouseApp.Build([.. args]));
    }

    [Theory]
    [InlineData("Mongo")]
    [InlineData("1")]
    [InlineData("Sqlite, PostgreSql")]
    public void An_unknown_storage_provider_names_the_key_and_the_choices(string provider)
    {
        var error = BuildFails($"Gatehouse:Storage:Provider={provider}");

        Assert.Contains("Gatehouse:Storage:Provider", error.Message, StringComparison.Ordinal);
        Assert.Contains("Sqlite, PostgreSql", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostgreSql_without_a_connection_string_names_the_key_and_its_environment_spelling()
    {
        var error = BuildFails("Gatehouse:Storage:Provider=PostgreSql");

        Assert.Contains("ConnectionStrings:Gatehouse", error.Message, StringComparison.Ordinal);
        Assert.Contains("ConnectionStrings__Gatehouse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sqlite_connection_string_that_names_no_file_is_refused()
    {
        var error = BuildFails("ConnectionStrings:Gatehouse=Mode=ReadWrite");

        Assert.Contains("ConnectionStrings:Gatehouse", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sqlite_connection_string_chooses_the_file()
    {
        var directory = TempDirectory.Create();
        var file = Path.Combine(directory, "elsewhere", "state.db");

        await using (var server = await GatehouseServer.StartAsync(extraArgs: [$"--ConnectionStrings:Gatehouse=Data Source={file}"]))
        {
            using var client = server.CreateClient();
            using var response = await client.GetAsync("v1/models", Ct);
            Assert.True(response.IsSuccessStatusCode);
        }

        Assert.True(File.Exists(file));
    }

    [Fact]
    public void A_second_storage_choice_is_an_error_not_an_override()
    {
        var builder = new ServiceCollection().AddGatehouse(new ConfigurationBuilder().Build());
        builder.UseSqliteStorage(Path.Combine(TempDirectory.Create(), "a.db"));

        var error = Assert.Throws<InvalidOperationException>(() => builder.UseSqliteStorage(Path.Combine(TempDirectory.Create(), "b.db")));

        Assert.Contains("already Sqlite", error.Message, StringComparison.Ordinal);
        Assert.Single(builder.Services, d => d.ServiceType == typeof(IKeyStore));
    }

    [Fact]
    public void An_unparseable_postgresql_connection_string_names_the_key_and_not_the_password()
    {
        var error = BuildFails("Gatehouse:Storage:Provider=PostgreSql", "ConnectionStrings:Gatehouse=Host=db;Password=hunter2;NoSuchOption=1");

        Assert.Contains("ConnectionStrings:Gatehouse", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Storage_section_binds_under_the_strict_binder()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Gatehouse:Storage:Provider"] = "PostgreSql",
            ["Gatehouse:Storage:PostgreSql:RecordRetentionDays"] = "30",
            ["Gatehouse:Storage:PostgreSql:UnloggedRecords"] = "true",
        }).Build();

        var options = GatehouseOptionsBinder.Bind(configuration);

        Assert.Equal("PostgreSql", options.Storage.Provider);
        Assert.Equal(30, options.Storage.PostgreSql.RecordRetentionDays);
        Assert.True(options.Storage.PostgreSql.UnloggedRecords);
    }

    [Fact]
    public void An_unparseable_redis_connection_string_names_the_key_and_hides_the_password()
    {
        var error = BuildFails("ConnectionStrings:Redis=127.0.0.1:6379,password=hunter2-secret,nonsense=1");

        Assert.Contains("ConnectionStrings:Redis", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_redis_connection_string_with_no_server_names_the_key()
    {
        var error = BuildFails("ConnectionStrings:Redis=password=hunter2-secret");

        Assert.Contains("ConnectionStrings:Redis", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2-secret", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unreachable_redis_does_not_stop_the_start()
    {
        // A port nobody listens on: the replica starts and applies the failure policy instead.
        await using var server = await GatehouseServer.StartAsync(extraArgs: ["--ConnectionStrings:Redis=127.0.0.1:1,connectTimeout=200", "--Gatehouse:Redis:ConnectTimeoutMilliseconds=200"]);
        using var client = server.CreateClient();
        using var response = await client.GetAsync("v1/models", Ct);

        Assert.True(response.IsSuccessStatusCode);
    }
}
