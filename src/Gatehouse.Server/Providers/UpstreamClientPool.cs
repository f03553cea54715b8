using System.Collections.Concurrent;
using Gatehouse.Configuration;

namespace Gatehouse.Providers;

/// <summary>
/// One pooled <see cref="HttpMessageInvoker"/> per upstream endpoint, kept across configuration
/// reloads so a reload does not throw away warm connections.
/// </summary>
internal sealed class UpstreamClientPool : IDisposable
{
    private readonly ConcurrentDictionary<(string BaseUrl, int MaxConnections), HttpMessageInvoker> _clients = new();

    public HttpMessageInvoker GetClient(ProviderOptions provider) =>
        _clients.GetOrAdd((provider.BaseUrl!, provider.MaxConnections), static key => new HttpMessageInvoker(CreateHandler(key.MaxConnections)));

    private static SocketsHttpHandler CreateHandler(int maxConnections) => new()
    {
        MaxConnectionsPerServer = maxConnections,
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        PooledConnectionIdleTimeout = TimeSpan.FromMinutes(1),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        AutomaticDecompression = System.Net.DecompressionMethods.None,
        UseProxy = false,
        UseCookies = false,
        AllowAutoRedirect = false,
        EnableMultipleHttp2Connections = true,
    };

    public void Dispose()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        _clients.Clear();
    }
}
