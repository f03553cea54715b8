using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace Gatehouse.Tests.Support;

/// <summary>
/// A private <c>redis-server</c> on a free loopback port, for tests that stop and restart Redis (the
/// shared server from <c>GATEHOUSE_TEST_REDIS</c> must stay up for everyone else). Skips the test
/// with a reason when the suite has no Redis (the variable is unset) or the binary is missing.
/// </summary>
internal sealed class RedisTestServer : IAsyncDisposable
{
    private readonly string _directory = TempDirectory.Create();
    private Process? _process;

    private RedisTestServer(int port) => Port = port;

    public int Port { get; }

    /// <summary><c>host:port</c>, as <c>ConnectionStrings:Redis</c> takes it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public bool IsRunning => _process is { HasExited: false };

    public static async Task<RedisTestServer> StartAsync()
    {
        if (Environment.GetEnvironmentVariable("GATEHOUSE_TEST_REDIS") is null)
        {
            Assert.Skip("Redis tests need GATEHOUSE_TEST_REDIS (eng/test.sh starts a server)");
        }

        var server = new RedisTestServer(FreePort());
        await server.StartAgainAsync();
        return server;
    }

    /// <summary>Starts the server (again, after <see cref="StopAsync"/>) on the same port, empty: nothing is persisted.</summary>
    public async Task StartAgainAsync()
    {
        var start = new ProcessStartInfo("redis-server")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = _directory,
        };
        foreach (var argument in new[] { "--bind", "127.0.0.1", "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--save", "", "--appendonly", "no", "--dir", _directory })
        {
            start.ArgumentList.Add(argument);
        }

        try
        {
            _process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            Assert.Skip("redis-server is not installed (eng/test.sh installs it)");
        }

        _process.OutputDataReceived += static (_, _) => { };
        _process.ErrorDataReceived += static (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            if (await AcceptsConnectionsAsync())
            {
                return;
            }

            await Task.Delay(25);
        }

        throw new InvalidOperationException($"redis-server did not start on port {Port}.");
    }

    /// <summary>Kills the server (as a crash would): every connection drops, its data is gone.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill();
            await process.WaitForExitAsync();
        }

        _process?.Dispose();
        _process = null;
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
