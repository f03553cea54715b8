using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Hosting;
using Gatehouse.Tests.Support;

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Caching;

/// <summary>The exact-match response cache on real servers: a fake upstream on loopback counts the calls that reach it.</summary>
public sealed class ResponseCacheTests : IAsyncLifetime
{
    private const string Request = """{"model":"cached","messages":[{"role":"user","content":"What is the capital of France?"}],"temperature":0}""";

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private FakeUpstream _upstream = null!;
    private int _answers;

    public async ValueTask InitializeAsync()
    {
        _upstream = await FakeUpstream.StartAsync();

        // Every upstream answer is different, so a test can tell a stored answer from a fresh one.
        _upstream.Handler = (context, _) => FakeResponses.WriteChatCompletionAsync(
            context, FakeResponses.ChatCompletion.Replace("Hello from the fake upstream.", $"Answer {Interlocked.Increment(ref _answers)}", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync() => await _upstream.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private string Config(string cache = """ "Cache": { "Enabled": true } """) => $$"""
        { "Gatehouse": {
            "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{_upstream.BaseUrl}}" } },
            "Deployments": { "primary": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o" } },
            "Models": {
              "cached": { "Deployments": [ "primary" ], {{cache}} },
              "plain": { "Deployments": [ "primary" ] } } } }
        """;

    private Task<GatehouseServer> StartAsync(string? config = null) => GatehouseServer.StartAsync(
        config ?? Config(),
        configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(PolicyClock.ServiceKey, _clock));

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string body, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = GatehouseServer.Json(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        return await client.SendAsync(request, Ct);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? values.Single() : "";

    [Fact]
    public async Task IdenticalCall_IsServedFromTheCache_CostsNothing_AndIsRecordedAsAHit()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var first = await PostAsync(client, Request);
        _clock.Advance(TimeSpan.FromSeconds(42));
        using var second = await PostAsync(client, Request);

        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Single(_upstream.Received);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), await second.Content.ReadAsStringAsync(Ct));
        Assert.Equal("miss", Header(first, "x-gatehouse-cache-status"));
        Assert.Equal("hit", Header(second, "x-gatehouse-cache-status"));
        Assert.NotEqual("0", Header(first, "x-gatehouse-cost-usd"));
        Assert.Equal("0", Header(second, "x-gatehouse-cost-usd"));
        Assert.False(second.Headers.Contains("x-gatehouse-input-tokens"));
        Assert.Equal(TimeSpan.FromSeconds(42), second.Headers.Age);
        Assert.Equal("application/json", second.Content.Headers.ContentType?.MediaType);

        var records = await server.WaitForRecordsAsync(2);
        var miss = Assert.Single(records, r => r.CacheStatus == "miss");
        var hit = Assert.Single(records, r => r.CacheStatus == "hit");
        Assert.True(miss.CostUsd > 0);
        Assert.Equal("primary", miss.Deployment);
        Assert.Equal(0m, hit.CostUsd);
        Assert.Equal(0, hit.InputTokens);
        Assert.Null(hit.Deployment);
        Assert.Equal(200, hit.StatusCode);
    }

    [Fact]
    public async Task Key_IgnoresJsonLayoutAndUser_ButNotParametersThatChangeTheAnswer()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var original = await PostAsync(client, Request);
        using var relaidOut = await PostAsync(client, """
            {
              "temperature": 0, "user": "someone-else", "metadata": { "trace": "x" },
              "messages": [ { "content": "What is the capital of France?", "role": "user" } ],
              "model": "cached"
            }
            """);
        using var warmer = await PostAsync(client, Request.Replace("\"temperature\":0", "\"temperature\":0.7", StringComparison.Ordinal));
        using var otherQuestion = await PostAsync(client, Request.Replace("France", "Spain", StringComparison.Ordinal));

        Assert.Equal("hit", Header(relaidOut, "x-gatehouse-cache-status"));
        Assert.Equal("miss", Header(warmer, "x-gatehouse-cache-status"));
        Assert.Equal("miss", Header(otherQuestion, "x-gatehouse-cache-status"));
        Assert.Equal(3, _upstream.Received.Count);
    }

    [Fact]
    public async Task CacheIsOffUnlessConfiguredOrAskedFor()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();
        var plain = Request.Replace("\"cached\"", "\"plain\"", StringComparison.Ordinal);

        using var first = await PostAsync(client, plain);
        using var second = await PostAsync(client, plain);
        Assert.Equal(2, _upstream.Received.Count);
        Assert.False(second.Headers.Contains("x-gatehouse-cache-status"));

        // Asked for per call on an alias without caching.
        using var stored = await PostAsync(client, plain, ("x-gatehouse-cache", "on"));
        using var served = await PostAsync(client, plain, ("x-gatehouse-cache", "on"));
        Assert.Equal("hit", Header(served, "x-gatehouse-cache-status"));
        Assert.Equal(3, _upstream.Received.Count);

        // Turned off per call on an alias with caching.
        using var cachedFirst = await PostAsync(client, Request);
        using var bypass = await PostAsync(client, Request, ("x-gatehouse-cache", "off"));
        Assert.False(bypass.Headers.Contains("x-gatehouse-cache-status"));
        Assert.Equal(5, _upstream.Received.Count);

        var records = await server.WaitForRecordsAsync(6);
        Assert.Equal(6, records.Count);
        Assert.Equal(3, records.Count(r => r.CacheStatus is null));
    }

    private static async Task<string> CreateKeyAsync(HttpClient admin, string name, string cacheJson)
    {
        using var response = await admin.PostAsync("api/keys", GatehouseServer.Json($$"""{"name":"{{name}}"{{cacheJson}}}"""), Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        return body.RootElement.GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task KeySettings_TurnTheCacheOnOrOff_AndTheirNamespaceKeepsAnswersApart()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        var plain = Request.Replace("\"cached\"", "\"plain\"", StringComparison.Ordinal);
        using var tenantA = server.CreateClient(await CreateKeyAsync(admin, "a", ""","cache":{"enabled":true,"namespace":"tenant-a","ttlSeconds":60}"""));
        using var tenantB = server.CreateClient(await CreateKeyAsync(admin, "b", ""","cache":{"enabled":true,"namespace":"tenant-b"}"""));
        using var noCache = server.CreateClient(await CreateKeyAsync(admin, "c", ""","cache":{"enabled":false}"""));

        // On for the key although the alias has no cache; each tenant has its own answers.
        using var a1 = await PostAsync(tenantA, plain);
        using var a2 = await PostAsync(tenantA, plain);
        using var b1 = await PostAsync(tenantB, plain);
        Assert.Equal(("miss", "hit", "miss"), (Header(a1, "x-gatehouse-cache-status"), Header(a2, "x-gatehouse-cache-status"), Header(b1, "x-gatehouse-cache-status")));

        // A header namespace nests inside the key's: it cannot reach another tenant's answers.
        using var escape = await PostAsync(tenantB, plain, ("x-gatehouse-cache-namespace", "tenant-a"));
        Assert.Equal("miss", Header(escape, "x-gatehouse-cache-status"));

        // Off for the key although the alias caches; the call's header still wins.
        using var cachedAlias = await PostAsync(admin, Request);
        using var bypassed = await PostAsync(noCache, Request);
        using var askedFor = await PostAsync(noCache, Request, ("x-gatehouse-cache", "on"));
        Assert.False(bypassed.Headers.Contains("x-gatehouse-cache-status"));
        Assert.Equal("hit", Header(askedFor, "x-gatehouse-cache-status"));

        // The key's TTL applies.
        _clock.Advance(TimeSpan.FromSeconds(61));
        using var expired = await PostAsync(tenantA, plain);
        Assert.Equal("miss", Header(expired, "x-gatehouse-cache-status"));
        Assert.Equal(6, _upstream.Received.Count);
    }

    [Fact]
    public async Task KeySettings_AreValidated_ShownAndChangedWithPatch()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();

        using var invalid = await admin.PostAsync("api/keys", GatehouseServer.Json("""{"name":"x","cache":{"namespace":"no spaces","ttlSeconds":0}}"""), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = await invalid.Content.ReadAsStringAsync(Ct);
        Assert.Contains("cache.namespace", problem, StringComparison.Ordinal);
        Assert.Contains("cache.ttlSeconds", problem, StringComparison.Ordinal);

        using var created = await admin.PostAsync("api/keys", GatehouseServer.Json("""{"name":"y","cache":{"enabled":true}}"""), Ct);
        using var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct));
        var id = key.RootElement.GetProperty("id").GetString();
        Assert.True(key.RootElement.GetProperty("cache").GetProperty("enabled").GetBoolean());
        using var secretClient = server.CreateClient(key.RootElement.GetProperty("key").GetString());
        var plain = Request.Replace("\"cached\"", "\"plain\"", StringComparison.Ordinal);
        using var first = await PostAsync(secretClient, plain);

        using var cleared = await admin.PatchAsync($"api/keys/{id}", GatehouseServer.Json("""{"cache":null}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, cleared.StatusCode);
        using (var body = JsonDocument.Parse(await cleared.Content.ReadAsStringAsync(Ct)))
        {
            Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("cache").ValueKind);
        }

        using var afterClear = await PostAsync(secretClient, plain);
        Assert.False(afterClear.Headers.Contains("x-gatehouse-cache-status"));
        Assert.Equal(2, _upstream.Received.Count);
    }

    [Fact]
    public async Task Refresh_SkipsTheLookup_AndStoresTheFreshAnswer()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var first = await PostAsync(client, Request);
        using var refreshed = await PostAsync(client, Request, ("x-gatehouse-cache", "refresh"));
        using var hit = await PostAsync(client, Request);

        Assert.Equal(2, _upstream.Received.Count);
        Assert.Equal("miss", Header(refreshed, "x-gatehouse-cache-status"));
        Assert.Contains("Answer 2", await hit.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Namespaces_KeepAnswersApart_AndCanBePurged()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var teamA = await PostAsync(client, Request, ("x-gatehouse-cache-namespace", "team-a"));
        using var teamB = await PostAsync(client, Request, ("x-gatehouse-cache-namespace", "team-b"));
        using var teamAAgain = await PostAsync(client, Request, ("x-gatehouse-cache-namespace", "team-a"));
        Assert.Equal("miss", Header(teamB, "x-gatehouse-cache-status"));
        Assert.Equal("hit", Header(teamAAgain, "x-gatehouse-cache-status"));
        Assert.Equal(2, _upstream.Received.Count);

        using var purge = await client.DeleteAsync("api/cache?namespace=team-a", Ct);
        Assert.Equal(HttpStatusCode.NoContent, purge.StatusCode);
        using var afterPurge = await PostAsync(client, Request, ("x-gatehouse-cache-namespace", "team-a"));
        using var otherKept = await PostAsync(client, Request, ("x-gatehouse-cache-namespace", "team-b"));
        Assert.Equal("miss", Header(afterPurge, "x-gatehouse-cache-status"));
        Assert.Equal("hit", Header(otherKept, "x-gatehouse-cache-status"));

        using var badPurge = await client.DeleteAsync("api/cache?namespace=no%20spaces", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badPurge.StatusCode);
        Assert.Equal("application/problem+json", badPurge.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Answers_ExpireAfterTheirTtl()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var stored = await PostAsync(client, Request, ("x-gatehouse-cache-ttl", "60"));
        _clock.Advance(TimeSpan.FromSeconds(59));
        using var fresh = await PostAsync(client, Request);
        _clock.Advance(TimeSpan.FromSeconds(2));
        using var expired = await PostAsync(client, Request);

        Assert.Equal("hit", Header(fresh, "x-gatehouse-cache-status"));
        Assert.Equal("miss", Header(expired, "x-gatehouse-cache-status"));
        Assert.Equal(2, _upstream.Received.Count);
    }

    [Theory]
    [InlineData("x-gatehouse-cache", "sometimes")]
    [InlineData("x-gatehouse-cache-ttl", "-5")]
    [InlineData("x-gatehouse-cache-ttl", "forever")]
    [InlineData("x-gatehouse-cache-namespace", "with space")]
    public async Task InvalidCacheHeaders_Are400_AndNothingGoesUpstream(string header, string value)
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var response = await PostAsync(client, Request, (header, value));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("invalid_header", error.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(header, error.RootElement.GetProperty("error").GetProperty("param").GetString());
        Assert.Empty(_upstream.Received);
        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(400, record.StatusCode);
    }

    [Fact]
    public async Task FailedAnswers_AreNotStored()
    {
        var calls = 0;
        _upstream.Handler = (context, _) => Interlocked.Increment(ref calls) == 1
            ? FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"boom","type":"server_error"}}""", 500)
            : FakeResponses.WriteChatCompletionAsync(context);
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var failed = await PostAsync(client, Request);
        using var retried = await PostAsync(client, Request);
        using var stored = await PostAsync(client, Request);

        Assert.Equal(HttpStatusCode.BadGateway, failed.StatusCode);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal("miss", Header(retried, "x-gatehouse-cache-status"));
        Assert.Equal("hit", Header(stored, "x-gatehouse-cache-status"));
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task StoredStream_IsReplayedAsAStream_ThatTheSdkReads()
    {
        _upstream.Handler = (context, _) => FakeResponses.WriteStreamAsync(context, FakeResponses.StreamEvents());
        await using var server = await StartAsync();
        var streamed = Request.Replace("\"temperature\":0", "\"temperature\":0,\"stream\":true", StringComparison.Ordinal);

        var (first, firstClean) = await SseReader.PostAsync(server, streamed);
        var (second, secondClean) = await SseReader.PostAsync(server, streamed);
        Assert.True(firstClean && secondClean);
        Assert.Equal(first, second);
        Assert.Single(_upstream.Received);

        // The official SDK reads a stored stream like a live one (its own request differs, so it is stored once first).
        var chat = Sdk.OpenAI(server).GetChatClient("cached");
        async Task<string> AskAsync()
        {
            var text = new System.Text.StringBuilder();
            await foreach (var update in chat.CompleteChatStreamingAsync(
                [new global::OpenAI.Chat.UserChatMessage("What is the capital of France?")], new global::OpenAI.Chat.ChatCompletionOptions { Temperature = 0 }, Ct))
            {
                foreach (var part in update.ContentUpdate)
                {
                    text.Append(part.Text);
                }
            }

            return text.ToString();
        }

        Assert.Equal("Hello world", await AskAsync());
        Assert.Equal(2, _upstream.Received.Count);
        Assert.Equal("Hello world", await AskAsync());
        Assert.Equal(2, _upstream.Received.Count);

        // A non-streamed call is a different answer (different bytes), so it is not served from the stream.
        using var client = server.CreateClient();
        using var plain = await PostAsync(client, Request);
        Assert.Equal("miss", Header(plain, "x-gatehouse-cache-status"));
    }

    [Fact]
    public async Task AnthropicDialectCalls_AreCachedInTheirOwnShape()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();
        const string messages = """{"model":"cached","max_tokens":100,"messages":[{"role":"user","content":"What is the capital of France?"}]}""";

        using var first = await client.PostAsync("v1/messages", GatehouseServer.Json(messages), Ct);
        using var second = await client.PostAsync("v1/messages", GatehouseServer.Json(messages), Ct);
        using var openAIShape = await PostAsync(client, """{"model":"cached","max_tokens":100,"messages":[{"role":"user","content":"What is the capital of France?"}]}""");

        Assert.Equal("hit", Header(second, "x-gatehouse-cache-status"));
        var body = await second.Content.ReadAsStringAsync(Ct);
        Assert.Equal(await first.Content.ReadAsStringAsync(Ct), body);
        using (var message = JsonDocument.Parse(body))
        {
            Assert.Equal("message", message.RootElement.GetProperty("type").GetString());
        }

        // The same question in OpenAI's dialect is another answer (other bytes), so it goes upstream.
        Assert.Equal("miss", Header(openAIShape, "x-gatehouse-cache-status"));
        Assert.Equal(2, _upstream.Received.Count);
    }

    [Fact]
    public async Task Status_ReportsCacheCounts()
    {
        await using var server = await StartAsync();
        using var client = server.CreateClient();
        using var first = await PostAsync(client, Request);
        using var second = await PostAsync(client, Request);
        using var third = await PostAsync(client, Request);

        using var status = JsonDocument.Parse(await client.GetStringAsync("api/status", Ct));
        var cache = status.RootElement.GetProperty("cache");
        Assert.Equal(2, cache.GetProperty("hits").GetInt64());
        Assert.Equal(1, cache.GetProperty("misses").GetInt64());
        Assert.Equal(0, cache.GetProperty("inFlight").GetInt32());
    }
}
