using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// A Gatehouse process to fuzz (its own process, so a stack overflow or a runaway allocation shows
/// as a finding instead of taking the test host with it, and its memory is its own), with the
/// things of <see cref="FuzzIds"/> created in it, and a client that sends any bytes at all.
/// Simulator deployments answer at once and time out after two seconds, have no circuit breaker
/// (an injected fault must not close a deployment for the requests after it) and wait at most a
/// second for a <c>Retry-After</c>: what the suite measures is Gatehouse, not configured latency.
/// </summary>
internal sealed partial class FuzzServer : IAsyncDisposable
{
    public const string MasterKey = "sk-gh-fuzz-master-key";

    private const string Deployment = """{ "TimeoutSeconds": 2, "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 }, "Resilience": { "BreakerFailureRatio": 0, "MaxRetryAfterSeconds": 1, "RetryDelaySeconds": 0.01 } }""";

    private static readonly string s_config = $$"""
        { "Gatehouse": {
            "Prompts": { "SeedDemo": false },
            "Cache": { "Enabled": true },
            "Degradation": { "Automatic": false },
            "Deployments": { "sim-small": {{Deployment}}, "sim-medium": {{Deployment}}, "sim-large": {{Deployment}}, "sim-embedding": {{Deployment}} },
            "Models": { "fuzz-tools": { "Deployments": ["sim-small", "sim-medium"], "Tools": { "Prefilter": true } } } } }
        """;

    private static readonly UriCreationOptions s_rawUri = new() { DangerousDisablePathAndQueryCanonicalization = true };

    private readonly GatehouseProcess _process;
    private readonly HttpClient _client;

    private FuzzServer(GatehouseProcess process)
    {
        _process = process;
        _client = new HttpClient(new SocketsHttpHandler
        {
            // Header values go out as UTF-8 bytes, so non-ASCII reaches Kestrel instead of stopping in the client.
            RequestHeaderEncodingSelector = static (_, _) => Encoding.UTF8,
            AllowAutoRedirect = false,
            UseCookies = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    public FuzzIds Ids { get; private set; } = null!;

    public long BaselineBytes { get; private set; }

    public long WorkingSetBytes => _process.WorkingSetBytes;

    public bool HasExited => _process.HasExited;

    /// <param name="settings">Command-line settings for the process (another storage back end).</param>
    public static async Task<FuzzServer> StartAsync(CancellationToken cancellationToken, IEnumerable<string>? settings = null)
    {
        var data = TempDirectory.Create();
        var config = Path.Combine(data, "gatehouse.json");
        await File.WriteAllTextAsync(config, s_config, cancellationToken);
        var server = new FuzzServer(await GatehouseProcess.StartAsync(data, config, MasterKey, cancellationToken: cancellationToken, extraArgs: settings));
        try
        {
            server.Ids = await server.CreateIdsAsync(cancellationToken);
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }

        return server;
    }

    /// <summary>Sends every target's seeds once, unchanged, then takes the memory baseline: start-up, JIT and first-use caches are not growth.</summary>
    public async Task WarmUpAsync(IReadOnlyList<FuzzTarget> targets, CancellationToken cancellationToken)
    {
        foreach (var target in targets.Where(t => t.Method is "GET" or "POST" && !t.Name.Contains("revoke", StringComparison.Ordinal)))
        {
            foreach (var seed in target.HasBody ? target.Seeds.Cast<string?>() : [null])
            {
                var path = target.PathTemplate;
                foreach (Match m in Placeholder().Matches(path))
                {
                    path = path.Replace(m.Value, Ids.Resolve(m.Groups[1].Value), StringComparison.Ordinal);
                }

                var request = new FuzzRequest(target.Name, target.Method, path, [new("Authorization", "Bearer " + MasterKey)],
                    seed is null ? null : Encoding.UTF8.GetBytes(seed), seed is null ? null : "application/json", Chunked: false);
                var response = await SendAsync(request, cancellationToken) ?? throw new InvalidOperationException("A seed could not be sent: " + request);
                if (response.Status is < 200 or >= 300 && target.Name is "chat" or "responses" or "messages" or "embeddings" or "count_tokens" or "prompt-render")
                {
                    // A seed the server refuses would fuzz nothing but its refusal.
                    Assert.Fail($"The seed of {target.Name} is refused:\n{request}\n{response}");
                }
            }
        }

        BaselineBytes = await SettledWorkingSetAsync(long.MaxValue, cancellationToken);
    }

    /// <summary>The working set once it is under <paramref name="bound"/>, or after five seconds of waiting for the GC to give memory back.</summary>
    public async Task<long> SettledWorkingSetAsync(long bound, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var bytes = WorkingSetBytes;
        while (bytes > bound && stopwatch.Elapsed < TimeSpan.FromSeconds(5) && !HasExited)
        {
            await Task.Delay(250, cancellationToken);
            bytes = WorkingSetBytes;
        }

        return bytes;
    }

    /// <summary>Sends the request as generated, byte for byte, and reads the whole answer (streams included) within the oracle's bound plus five seconds.</summary>
    public async Task<FuzzResponse?> SendAsync(FuzzRequest request, CancellationToken cancellationToken)
    {
        HttpRequestMessage message;
        try
        {
            message = new HttpRequestMessage(new HttpMethod(request.Method), new Uri(_process.BaseAddress.ToString().TrimEnd('/') + request.PathAndQuery, in s_rawUri));
        }
        catch (Exception e) when (e is UriFormatException or FormatException or ArgumentException)
        {
            return null; // Not a request the client can put on the wire.
        }

        using var _ = message;
        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.Body is not null)
        {
            HttpContent content = request.Chunked ? new StreamContent(new MemoryStream(request.Body)) : new ByteArrayContent(request.Body);
            if (request.ContentType is not null)
            {
                content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
            }

            message.Content = content;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(FuzzOracle.Bound + TimeSpan.FromSeconds(5));
        var stopwatch = Stopwatch.StartNew();
        try
        {
            using var response = await _client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var body = new MemoryStream();
            try
            {
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
                var buffer = new byte[64 * 1024];
                int read;
                while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
                {
                    if (body.Length < FuzzResponse.MaxBody)
                    {
                        body.Write(buffer, 0, read);
                    }
                }
            }
            catch (Exception e) when (e is HttpRequestException or IOException)
            {
                return new FuzzResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body.ToArray(), stopwatch.Elapsed, $"body: {e.Message}");
            }

            return new FuzzResponse((int)response.StatusCode, response.Content.Headers.ContentType?.ToString(), body.ToArray(), stopwatch.Elapsed, null);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new FuzzResponse(0, null, [], stopwatch.Elapsed, $"timeout: no complete answer within {(FuzzOracle.Bound + TimeSpan.FromSeconds(5)).TotalSeconds} s");
        }
        catch (HttpRequestException e) when (e.InnerException is ArgumentException or FormatException or InvalidOperationException || e.HttpRequestError == HttpRequestError.InvalidResponse && e.Message.Contains("header", StringComparison.OrdinalIgnoreCase))
        {
            return null; // The client refused to send it (e.g. a header value it will not encode).
        }
        catch (HttpRequestException e)
        {
            return new FuzzResponse(0, null, [], stopwatch.Elapsed, $"{e.HttpRequestError}: {e.Message} {e.InnerException?.Message}");
        }
        catch (IOException e)
        {
            return new FuzzResponse(0, null, [], stopwatch.Elapsed, $"connection: {e.Message}");
        }
    }

    /// <summary>One line per distinct error the server logged (category, exception, first Gatehouse frame), with how often.</summary>
    public IReadOnlyList<string> LoggedErrors()
    {
        var lines = _process.Output.Split('\n');
        var found = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Length; i++)
        {
            if (!lines[i].StartsWith("fail:", StringComparison.Ordinal) && !lines[i].StartsWith("crit:", StringComparison.Ordinal))
            {
                continue;
            }

            var exception = "";
            var frame = "";
            for (var j = i + 1; j < Math.Min(lines.Length, i + 60) && !lines[j].StartsWith("fail:", StringComparison.Ordinal) && !lines[j].StartsWith("warn:", StringComparison.Ordinal) && !lines[j].StartsWith("info:", StringComparison.Ordinal); j++)
            {
                var line = lines[j].Trim();
                if (exception.Length == 0 && ExceptionLine().IsMatch(line))
                {
                    exception = line.Length > 220 ? line[..220] : line;
                }
                else if (frame.Length == 0 && exception.Length > 0 && line.StartsWith("at Gatehouse.", StringComparison.Ordinal))
                {
                    frame = line;
                }
            }

            var key = $"{lines[i].Trim()} | {exception} | {frame}";
            found[key] = found.GetValueOrDefault(key) + 1;
        }

        return [.. found.Select(p => $"{p.Value}× {p.Key}")];
    }

    public string OutputTail(int chars)
    {
        var output = _process.Output;
        return output.Length <= chars ? output : output[^chars..];
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _process.DisposeAsync();
    }

    private async Task<FuzzIds> CreateIdsAsync(CancellationToken ct)
    {
        async Task<(JsonElement Body, string? RequestId)> SendAsync(string path, string json, HttpStatusCode expected)
        {
            using var content = new StringContent(json, Encoding.UTF8, "application/json");
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_process.BaseAddress, path)) { Content = content };
            request.Headers.Authorization = new("Bearer", MasterKey);
            using var response = await _client.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            Assert.True(response.StatusCode == expected, $"POST {path}: {(int)response.StatusCode} {text}");
            using var document = JsonDocument.Parse(text);
            return (document.RootElement.Clone(), response.Headers.TryGetValues("x-gatehouse-request-id", out var ids) ? ids.First() : null);
        }

        async Task<JsonElement> PostAsync(string path, string json, HttpStatusCode expected) => (await SendAsync(path, json, expected)).Body;

        // The user key has a token limit and a budget, so its calls go through the admission estimates.
        var user = await PostAsync("api/keys", """{"name":"fuzz-user","owner":"fuzz-team","tokensPerMinute":1000000000,"requestsPerMinute":1000000}""", HttpStatusCode.Created);
        await PostAsync("api/budgets", $$"""{"keyId":"{{user.GetProperty("id").GetString()}}","period":"total","limitUsd":1000000}""", HttpStatusCode.Created);
        var victim = await PostAsync("api/keys", $$"""{"name":"fuzz-victim","owner":"{{FuzzIds.VictimOwner}}"}""", HttpStatusCode.Created);
        var victimId = victim.GetProperty("id").GetString()!;
        var budget = await PostAsync("api/budgets", $$"""{"keyId":"{{victimId}}","period":"day","limitUsd":100}""", HttpStatusCode.Created);
        var prompt = await PostAsync("api/prompts", FuzzTargets.PromptDefinition(FuzzIds.PromptSlug), HttpStatusCode.Created);
        await PostAsync("api/prompts", FuzzTargets.PromptDefinition(FuzzIds.ArchivePromptSlug), HttpStatusCode.Created);
        var execution = await PostAsync($"api/prompts/{FuzzIds.PromptSlug}/execute", """{"inputs":{"name":"Ada"}}""", HttpStatusCode.Created);
        var (_, recordId) = await SendAsync("v1/chat/completions", """{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}""", HttpStatusCode.OK);
        return new FuzzIds(
            user.GetProperty("key").GetString()!, user.GetProperty("id").GetString()!, victimId, budget.GetProperty("id").GetString()!,
            prompt.GetProperty("id").GetString()!, execution.GetProperty("id").GetString()!, recordId!);
    }

    [GeneratedRegex(@"\{(\w+)\}")]
    private static partial Regex Placeholder();

    [GeneratedRegex(@"^[\w.]+(Exception|Error)\b")]
    private static partial Regex ExceptionLine();
}
