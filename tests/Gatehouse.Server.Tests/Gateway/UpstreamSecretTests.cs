using System.Net;
using System.Text;
using Gatehouse.Tests.Anthropic.Upstream;
using Gatehouse.Tests.Support;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>
/// An upstream that echoes its credential in an error (a proxy saying which bearer token it refused,
/// a debug body) must not hand it on: neither the client's answer, nor the stored record, nor the
/// log holds a provider's key or anything shaped like one.
/// </summary>
public sealed class UpstreamSecretTests : IAsyncLifetime
{
    private const string ProviderKey = "sk-PROVIDER-SECRET-4f9a1c";
    private const string AnthropicKey = "anthropic-key-7Hq2Lp9Z";

    /// <summary>Echoed credentials no configuration names: they are removed by their shape.</summary>
    private static readonly string[] s_shaped = ["Bearer tok_9f8e7d6c5b4a", "sk-live-1234567890abcdef", "api_key=zzq81Lm0PqRw", "sk-ant-api03-Xy7Qp0Lm3Nb8"];

    private readonly FakeLogCollector _logs = new();
    private FakeUpstream _upstream = null!;
    private FakeAnthropic _anthropic = null!;
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();
        _anthropic = await FakeAnthropic.StartAsync();
        _server = await GatehouseServer.StartAsync(
            $$"""
            { "Gatehouse": {
                "Providers": {
                  "fake": { "Type": "OpenAI", "BaseUrl": "{{_upstream.BaseUrl}}", "ApiKey": "{{ProviderKey}}" },
                  "anthropic": { "Type": "Anthropic", "BaseUrl": "{{_anthropic.BaseUrl}}", "ApiKey": "{{AnthropicKey}}" } },
                "Deployments": {
                  "fake-deployment": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o" },
                  "claude": { "Provider": "anthropic", "Model": "claude-up", "PriceAs": "claude-sonnet-4-20250514" } },
                "Models": { "fake-model": { "Deployments": [ "fake-deployment" ] }, "claude": { "Deployments": [ "claude" ] } } } }
            """,
            configure: builder =>
            {
                builder.Logging.AddProvider(new FakeLoggerProvider(_logs));
                builder.Logging.AddFilter<FakeLoggerProvider>(null, LogLevel.Trace);
            });
    }

    public async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await _anthropic.DisposeAsync();
        await _upstream.DisposeAsync();
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Echo(string what) => $"upstream proxy refused the credential: Authorization: Bearer {ProviderKey}; also saw {what}";

    private static string OpenAIError(string message, string type) => $$$"""{"error":{"message":"{{{message}}}","type":"{{{type}}}","param":null,"code":null}}""";

    [Theory]
    [InlineData(500, 502)] // a 5xx: Gatehouse's own 502 quoting the upstream's message
    [InlineData(400, 400)] // a 4xx about the request: the upstream's body passed on
    [InlineData(429, 429)] // a 429: held back for a fallback, then passed on
    public async Task EchoedCredential_InAnErrorBody_ReachesNeitherClientNorRecordNorLog(int upstreamStatus, int clientStatus)
    {
        foreach (var shaped in s_shaped)
        {
            _upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(context, OpenAIError(Echo(shaped), "server_error"), upstreamStatus);
            foreach (var (path, body) in new[]
            {
                ("v1/chat/completions", """{"model":"fake-model","messages":[{"role":"user","content":"hi"}]}"""),
                ("v1/messages", """{"model":"fake-model","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}"""),
            })
            {
                using var client = _server.CreateClient();
                using var response = await client.PostAsync(path, GatehouseServer.Json(body), Ct);
                var text = await response.Content.ReadAsStringAsync(Ct);
                Assert.Equal(clientStatus, (int)response.StatusCode);
                AssertClean(text, shaped, $"{path} answer to a {upstreamStatus}");
                Assert.Contains("[redacted]", text, StringComparison.Ordinal);
            }
        }

        var records = await _server.WaitForRecordsAsync(2 * s_shaped.Length);
        Assert.Equal(2 * s_shaped.Length, records.Count);
        foreach (var record in records)
        {
            Assert.NotNull(record.ErrorMessage);
            foreach (var shaped in s_shaped)
            {
                AssertClean(record.ErrorMessage + " " + record.ErrorClass, shaped, "record");
            }
        }

        AssertLogsClean();
    }

    [Fact]
    public async Task EchoedCredential_InAStreamErrorEvent_IsRemovedFromTheEvent_AndTheRecord()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(
            context, [FakeResponses.StreamEvents()[0], OpenAIError(Echo(s_shaped[0]), "server_error")]);
        using var client = _server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions")
        {
            Content = GatehouseServer.Json("""{"model":"fake-model","stream":true,"messages":[{"role":"user","content":"hi"}]}"""),
        };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = await ReadWhatArrivesAsync(response);
        Assert.Contains("[redacted]", text, StringComparison.Ordinal);
        AssertClean(text, s_shaped[0], "stream");

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal("upstream_stream_error", record.ErrorClass);
        AssertClean(record.ErrorMessage!, s_shaped[0], "record");
        AssertLogsClean();
    }

    [Fact]
    public async Task AnthropicUpstream_EchoingItsKey_PassedThroughOrTranslated_IsScrubbed()
    {
        var echo = $$$"""{"type":"error","error":{"type":"api_error","message":"bad x-api-key {{{AnthropicKey}}} (Bearer {{{AnthropicKey}}})"}}""";
        _anthropic.Handler = context => FakeAnthropic.WriteJsonAsync(context, 500, echo);
        using var client = _server.CreateClient();
        foreach (var (path, body) in new[]
        {
            ("v1/messages", """{"model":"claude","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}"""), // native passthrough
            ("v1/chat/completions", """{"model":"claude","messages":[{"role":"user","content":"hi"}]}"""),        // translated
        })
        {
            using var response = await client.PostAsync(path, GatehouseServer.Json(body), Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True((int)response.StatusCode >= 500, $"{path}: {(int)response.StatusCode} {text}");
            Assert.DoesNotContain(AnthropicKey, text, StringComparison.Ordinal);
        }

        foreach (var record in await _server.WaitForRecordsAsync(2))
        {
            Assert.DoesNotContain(AnthropicKey, record.ErrorMessage ?? "", StringComparison.Ordinal);
        }

        Assert.DoesNotContain(_logs.GetSnapshot(), l => (l.Message + l.Exception).Contains(AnthropicKey, StringComparison.Ordinal));
    }

    private static void AssertClean(string text, string shaped, string where)
    {
        Assert.False(text.Contains(ProviderKey, StringComparison.Ordinal), $"{where} holds the provider's key: {text}");
        var secretPart = shaped[(shaped.IndexOfAny([' ', '=', '-']) + 1)..];
        Assert.False(text.Contains(secretPart, StringComparison.Ordinal), $"{where} holds '{shaped}': {text}");
    }

    private void AssertLogsClean()
    {
        foreach (var log in _logs.GetSnapshot())
        {
            var line = log.Message + " " + log.Exception;
            Assert.DoesNotContain(ProviderKey, line, StringComparison.Ordinal);
            Assert.All(s_shaped, shaped => AssertClean(line, shaped, "log"));
        }
    }

    /// <summary>The stream up to the point Gatehouse aborts it (after its error event).</summary>
    private static async Task<string> ReadWhatArrivesAsync(HttpResponseMessage response)
    {
        var text = new StringBuilder();
        var buffer = new byte[4096];
        await using var stream = await response.Content.ReadAsStreamAsync(Ct);
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, Ct)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            // The aborted body: what arrived before is the answer.
        }

        return text.ToString();
    }
}
