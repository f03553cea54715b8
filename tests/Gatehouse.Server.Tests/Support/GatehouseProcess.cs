using System.Diagnostics;
using System.Net.Http.Headers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace Gatehouse.Tests.Support;

/// <summary>
/// Gatehouse as its own process (the server assembly next to the tests, run with <c>dotnet</c>), for
/// what an in-process server cannot show: being killed with SIGKILL, stopped with SIGTERM, refusing
/// to start. It listens on a port of its own choosing, read from its start-up log.
/// </summary>
internal sealed partial class GatehouseProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private GatehouseProcess(Process process) => _process = process;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Everything the process wrote to stdout and stderr so far.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The process's resident memory now (working set), for tests that bound what the server keeps.</summary>
    public long WorkingSetBytes
    {
        get
        {
            _process.Refresh();
            return _process.WorkingSet64;
        }
    }

    /// <summary>
    /// Starts the server on <paramref name="dataDirectory"/> and waits until it is ready (or has exited, when <paramref name="expectReady"/> is false).
    /// A null <paramref name="dataDirectory"/> or <paramref name="configPath"/> is not passed, so the server finds its own, as it does for a user.
    /// </summary>
    public static async Task<GatehouseProcess> StartAsync(string? dataDirectory, string? configPath, string masterKey, bool expectReady = true, string? workingDirectory = null, IEnumerable<string>? extraArgs = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? dataDirectory ?? throw new ArgumentNullException(nameof(workingDirectory), "Without a data directory, say where the server runs."),
        };

        // The test runner's own environment must not choose for the server either.
        start.Environment.Remove("GATEHOUSE_DATA_DIR");
        start.Environment.Remove("GATEHOUSE_CONFIG");
        string[] arguments =
        [
            Path.Combine(AppContext.BaseDirectory, "Gatehouse.Server.dll"),
            "--urls=http://127.0.0.1:0",
            .. dataDirectory is null ? Array.Empty<string>() : [$"--GATEHOUSE_DATA_DIR={dataDirectory}"],
            .. configPath is null ? Array.Empty<string>() : [$"--GATEHOUSE_CONFIG={configPath}"],
            $"--GATEHOUSE_MASTER_KEY={masterKey}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
            "--Logging:Console:FormatterName=simple",
            .. extraArgs ?? [],
        ];
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        var server = new GatehouseProcess(Process.Start(start)!);
        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnLine(string? line)
        {
            if (line is null)
            {
                return;
            }

            lock (server._output)
            {
                server._output.AppendLine(line);
            }

            if (ListeningLine().Match(line) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value + "/"));
            }
        }

        server._process.OutputDataReceived += (_, e) => OnLine(e.Data);
        server._process.ErrorDataReceived += (_, e) => OnLine(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        if (!expectReady)
        {
            await server._process.WaitForExitAsync(cancellationToken).WaitAsync(TimeSpan.FromSeconds(60), cancellationToken);
            return server;
        }

        var exited = server._process.WaitForExitAsync(cancellationToken);
        var first = await Task.WhenAny(listening.Task, exited, Task.Delay(TimeSpan.FromSeconds(60), cancellationToken));
        if (first != listening.Task)
        {
            var output = server.Output;
            await server.DisposeAsync();
            throw new InvalidOperationException($"Gatehouse did not start. Output:\n{output}");
        }

        server.BaseAddress = await listening.Task;
        return server;
    }

    public HttpClient CreateClient(string key)
    {
        var client = new HttpClient { BaseAddress = BaseAddress, Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>SIGKILL: the process ends at once, nothing of it runs again.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>SIGTERM: a graceful stop (Kestrel drains, the writers finish), as a service manager asks for one.</summary>
    public async Task TerminateAsync(TimeSpan timeout)
    {
        if (!_process.HasExited && SendSignal(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException("SIGTERM could not be sent.");
        }

        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);

    [GeneratedRegex(@"Now listening on: (http://[^\s]+)")]
    private static partial Regex ListeningLine();
}
