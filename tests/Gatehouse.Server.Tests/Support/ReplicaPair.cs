using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Xunit;

namespace Gatehouse.Tests.Support;

/// <summary>
/// Two Gatehouse hosts in this process on one SQLite file (each with its own data directory, so
/// their record journals stay apart): the smallest setup in which one replica changes what the
/// other must see. <paramref name="extraArgs"/> go to both (shared state, reload interval).
/// </summary>
internal sealed class ReplicaPair : IAsyncDisposable
{
    private ReplicaPair(GatehouseServer a, GatehouseServer b)
    {
        A = a;
        B = b;
    }

    public GatehouseServer A { get; }

    public GatehouseServer B { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<ReplicaPair> StartAsync(IEnumerable<string>? extraArgs = null, string? configJson = null)
    {
        var shared = TempDirectory.Create();
        string[] args = [$"--ConnectionStrings:Gatehouse=Data Source={Path.Combine(shared, "gatehouse.db")}", .. extraArgs ?? []];

        // One after the other: the second start finds the schema migrated.
        var a = await GatehouseServer.StartAsync(configJson ?? GatehouseServer.FastSimulatorConfig, extraArgs: args);
        try
        {
            var b = await GatehouseServer.StartAsync(configJson ?? GatehouseServer.FastSimulatorConfig, extraArgs: args);
            return new ReplicaPair(a, b);
        }
        catch
        {
            await a.DisposeAsync();
            throw;
        }
    }

    /// <summary>Creates a key through <paramref name="server"/>; returns its id and secret.</summary>
    public static async Task<(string Id, string Secret)> CreateKeyAsync(GatehouseServer server, string name)
    {
        using var admin = server.CreateClient();
        using var response = await admin.PostAsJsonAsync("api/keys", new { name }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement;
        return (created.GetProperty("id").GetString()!, created.GetProperty("key").GetString()!);
    }

    /// <summary>What <paramref name="server"/> answers a key on <c>/v1/models</c>: 200 admitted, 401 refused.</summary>
    public static async Task<HttpStatusCode> KeyStatusAsync(GatehouseServer server, string secret)
    {
        using var client = server.CreateClient(secret);
        using var response = await client.GetAsync("v1/models", Ct);
        return response.StatusCode;
    }

    /// <summary>Polls <paramref name="condition"/> until it holds or <paramref name="bound"/> passes; true when it held.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            if (await condition())
            {
                return true;
            }

            if (DateTime.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(20, Ct);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await B.DisposeAsync();
        await A.DisposeAsync();
    }
}
