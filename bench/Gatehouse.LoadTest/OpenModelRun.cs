using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Gatehouse.LoadTest;

/// <summary>
/// <c>run</c>: sends chat calls at a fixed arrival rate (an open model) for a fixed time, key after key
/// round-robin, replica after replica round-robin. Latency counts from when a call was due, not from
/// when it was sent, so a generator that falls behind shows up in the numbers instead of hiding them
/// (coordinated omission). A call that would exceed <c>--max-in-flight</c> is not sent and counted as
/// <c>not_sent</c>, an error.
/// </summary>
internal static class OpenModelRun
{
    public static async Task<int> RunAsync(CommandLine arguments)
    {
        var targets = arguments.Text("targets").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(t => new Uri(t.TrimEnd('/') + "/v1/chat/completions")).ToArray();
        var keys = await LoadKey.ReadAllAsync(arguments.Text("keys"));
        var rate = arguments.Number("rate", 1000);
        var duration = TimeSpan.FromSeconds(arguments.Number("duration", 60));
        var warmup = TimeSpan.FromSeconds(arguments.Number("warmup", 5));
        var model = arguments.Text("model", "gpt-4o-mini");
        var maxInFlight = arguments.Number("max-in-flight", 2000);
        if (rate == 0 || keys.Length == 0 || targets.Length == 0)
        {
            throw new CommandLineException("--rate, --keys and --targets must name at least one of each.");
        }

        using var client = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = maxInFlight,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            AutomaticDecompression = DecompressionMethods.None,
        })
        { Timeout = TimeSpan.FromSeconds(30) };

        if (warmup > TimeSpan.Zero)
        {
            Console.WriteLine($"warm-up: {warmup.TotalSeconds:F0} s at {rate / 10} calls/s (not counted)");
            await DriveAsync(client, targets, keys, model, rate / 10 + 1, warmup, maxInFlight, keyOffset: keys.Length / 2, results: null);
        }

        var results = new RunResults(keys.Length);
        Console.WriteLine($"run: {rate} calls/s for {duration.TotalSeconds:F0} s over {targets.Length} target(s) and {keys.Length} keys");
        var wall = Stopwatch.StartNew();
        await DriveAsync(client, targets, keys, model, rate, duration, maxInFlight, keyOffset: 0, results);
        wall.Stop();

        var summary = results.Summarize(rate, duration, wall.Elapsed, keys);
        Console.WriteLine(summary.ToText());
        if (arguments.Text("out", "") is { Length: > 0 } output)
        {
            await File.WriteAllTextAsync(output, JsonSerializer.Serialize(summary, LoadJsonContext.Default.RunSummary));
        }

        return 0;
    }

    private static async Task DriveAsync(HttpClient client, Uri[] targets, LoadKey[] keys, string model, int rate, TimeSpan duration, int maxInFlight, int keyOffset, RunResults? results)
    {
        var total = (long)(rate * duration.TotalSeconds);
        var inFlight = 0;
        var pending = new List<Task>(capacity: 1024);
        var clock = Stopwatch.StartNew();
        for (long i = 0; i < total; i++)
        {
            var due = TimeSpan.FromTicks((long)(i * (double)TimeSpan.TicksPerSecond / rate));
            var wait = due - clock.Elapsed;
            if (wait > TimeSpan.FromMilliseconds(1))
            {
                await Task.Delay(wait);
            }

            var keyIndex = (int)((i + keyOffset) % keys.Length);
            if (Volatile.Read(ref inFlight) >= maxInFlight)
            {
                results?.NotSent(keyIndex);
                continue;
            }

            Interlocked.Increment(ref inFlight);
            var target = targets[i % targets.Length];
            pending.Add(SendAsync(client, target, keys[keyIndex], keyIndex, model, i, clock, due, results, () => Interlocked.Decrement(ref inFlight)));
            if (pending.Count >= 1024)
            {
                pending.RemoveAll(t => t.IsCompleted);
            }
        }

        await Task.WhenAll(pending);
    }

    private static async Task SendAsync(HttpClient client, Uri target, LoadKey key, int keyIndex, string model, long sequence, Stopwatch clock, TimeSpan due, RunResults? results, Action done)
    {
        await Task.Yield();
        var status = 0;
        string? code = null;
        try
        {
            // A distinct message per call, so the response cache never answers: every call is admitted, limited and charged.
            var body = $$"""{"model":"{{model}}","max_tokens":16,"messages":[{"role":"user","content":"Quote #{{sequence}} for the desk: summarise the position in one line."}]}""";
            using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
            request.Headers.Authorization = new("Bearer", key.Secret);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead);
            status = (int)response.StatusCode;
            if (status != 200)
            {
                code = ErrorCode(await response.Content.ReadAsStringAsync());
            }
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            code = ex.GetType().Name;
        }
        finally
        {
            done();
        }

        results?.Add(keyIndex, status, code, clock.Elapsed - due);
    }

    private static string? ErrorCode(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            return document.RootElement.TryGetProperty("error", out var error) && error.TryGetProperty("code", out var code) && code.ValueKind == JsonValueKind.String
                ? code.GetString()
                : null;
        }
        catch (JsonException)
        {
            return "unreadable";
        }
    }
}
