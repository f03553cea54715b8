using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace Gatehouse.Tests.Support;

/// <summary>
/// A loopback TCP proxy in front of a server (PostgreSQL, Redis) that a test can cut and restore:
/// cut closes every connection through it and refuses new ones (the listener is stopped, so a
/// connect is refused at once, as for a server that is down); restore listens again on the same
/// port. The shared server behind it stays up for every other test. A test can also hold back the
/// server's replies (<see cref="HoldReplies"/>), to see what a client sends before it hears back.
/// </summary>
internal sealed class CuttableTcpProxy : IAsyncDisposable
{
    private readonly IPEndPoint _target;
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly CancellationTokenSource _disposed = new();
    private TcpListener? _listener;
    private Task _accepting = Task.CompletedTask;
    private volatile TaskCompletionSource _replies = Open();

    private CuttableTcpProxy(IPEndPoint target)
    {
        _target = target;
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        Port = ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    public int Port { get; }

    public static CuttableTcpProxy Start(string host, int port)
    {
        var address = host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(host);
        var proxy = new CuttableTcpProxy(new IPEndPoint(address, port));
        proxy.Restore();
        return proxy;
    }

    /// <summary>Listens again on <see cref="Port"/>.</summary>
    public void Restore()
    {
        if (_listener is not null)
        {
            return;
        }

        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        _listener = listener;
        _accepting = AcceptAsync(listener);
    }

    /// <summary>Stops listening and drops every connection through the proxy.</summary>
    public async Task CutAsync()
    {
        if (_listener is not { } listener)
        {
            return;
        }

        _listener = null;
        listener.Stop();
        await _accepting;
        foreach (var socket in _sockets.Keys)
        {
            Close(socket);
        }
    }

    /// <summary>From now on, bytes from the server wait (in order) until <see cref="ReleaseReplies"/>.</summary>
    public void HoldReplies() => _replies = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Lets the held replies, and every later one, through.</summary>
    public void ReleaseReplies() => _replies.TrySetResult();

    public async ValueTask DisposeAsync()
    {
        ReleaseReplies();
        await _disposed.CancelAsync();
        await CutAsync();
        _disposed.Dispose();
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (true)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(_disposed.Token);
            }
            catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
            {
                return;
            }

            _ = RelayAsync(client);
        }
    }

    private async Task RelayAsync(Socket client)
    {
        var server = new Socket(_target.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _sockets[client] = 0;
        _sockets[server] = 0;
        try
        {
            await server.ConnectAsync(_target, _disposed.Token);
            await Task.WhenAny(PumpAsync(client, server, replies: false), PumpAsync(server, client, replies: true));
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
        finally
        {
            Close(client);
            Close(server);
        }
    }

    private async Task PumpAsync(Socket from, Socket to, bool replies)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _disposed.Token);
                if (read == 0)
                {
                    return;
                }

                if (replies)
                {
                    await _replies.Task.WaitAsync(_disposed.Token);
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _disposed.Token);
            }
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException or OperationCanceledException)
        {
        }
    }

    private static TaskCompletionSource Open()
    {
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        open.SetResult();
        return open;
    }

    private void Close(Socket socket)
    {
        if (_sockets.TryRemove(socket, out _))
        {
            try
            {
                socket.Shutdown(SocketShutdown.Both);
            }
            catch (SocketException)
            {
            }

            socket.Dispose();
        }
    }
}
