using System.Net;
using Gatehouse.Caching;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Caching;

/// <summary>
/// Identical calls in flight at the same time share one upstream call. The fake upstream holds its
/// answer until every caller has joined, so the test knows they were all in flight together.
/// </summary>
public sealed class CoalescingTests : IAsyncLifetime
{
    private const string Request = """{"model":"cached","messages":[{"role":"user","content":"Summarise the news."}]}""";

    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private FakeUpstream _upstream = null!;

    public async ValueTask InitializeAsync() => _upstream = await FakeUpstream.StartAsync();

    public async ValueTask DisposeAsync() => await _upstream.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Task<GatehouseServer> StartAsync() => GatehouseServer.StartAsync($$"""
        { "Gatehouse": {
            "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{_upstream.BaseUrl}}" } },
            "Deployments": { "primary": { "Provider": "fake", "Model": "upstream-model", "PriceAs": "gpt-4o" } },
            "Models": { "cached": { "Deployments": [ "primary" ], "Cache": { "Enabled": true } } } } }
        """);

    private static async Task WaitForCallersAsync(GatehouseServer server, int callers, bool exactly = false)
    {
        var inFlight = server.GetService<IInFlightAnswers>();
        while (exactly ? inFlight.WaitingCallers != callers : inFlight.WaitingCallers < callers)
        {
            await Task.Delay(10, Ct);
        }
    }

    [Fact]
    public async Task AThousandIdenticalConcurrentCalls_MakeOneUpstreamCall_AndEveryCallerGetsTheAnswer()
    {
        _upstream.Handler = async (context, _) =>
        {
            await _release.Task.WaitAsync(context.RequestAborted);
            await FakeResponses.WriteChatCompletionAsync(context);
        };
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        var calls = Enumerable.Range(0, 1000).Select(async _ =>
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(Request), Ct);
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(Ct), Status: response.Headers.GetValues("x-gatehouse-cache-status").Single());
        }).ToArray();
        await WaitForCallersAsync(server, 1000);
        _release.SetResult();
        var answers = await Task.WhenAll(calls);

        Assert.Single(_upstream.Received);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.OK, a.StatusCode));
        Assert.All(answers, a => Assert.Contains("Hello from the fake upstream.", a.Body, StringComparison.Ordinal));
        Assert.Single(answers.Select(a => a.Body).Distinct());
        Assert.Equal(1, answers.Count(a => a.Status == "miss"));
        Assert.Equal(999, answers.Count(a => a.Status == "coalesced"));

        var records = await server.WaitForRecordsAsync(1000);
        Assert.Equal(1000, records.Count);
        var upstreamCall = Assert.Single(records, r => r.CacheStatus == "miss");
        Assert.True(upstreamCall.CostUsd > 0);
        Assert.Equal(1500, upstreamCall.InputTokens + upstreamCall.OutputTokens);
        var coalesced = records.Where(r => r.CacheStatus == "coalesced").ToList();
        Assert.Equal(999, coalesced.Count);
        Assert.All(coalesced, r => Assert.Equal((200, 0m, 0), (r.StatusCode, r.CostUsd, r.InputTokens)));
        Assert.All(coalesced, r => Assert.Equal("primary", r.Deployment));
        Assert.Equal(upstreamCall.CostUsd, records.Sum(r => r.CostUsd));
    }

    [Fact]
    public async Task CoalescedStreams_ReachEveryCallerLive_AndACutReachesEveryCallerToo()
    {
        var streamed = Request.Replace("\"messages\"", "\"stream\":true,\"messages\"", StringComparison.Ordinal);
        _upstream.Handler = async (context, _) =>
        {
            var events = FakeResponses.StreamEvents(includeUsage: true, terminate: false);

            // The first events go out before every caller has joined; the rest wait for the release, then the stream is cut.
            await FakeResponses.WriteStreamAsync(context, events.Take(2));
            await _release.Task.WaitAsync(context.RequestAborted);
            await FakeResponses.WriteStreamAsync(context, events.Skip(2));
        };
        await using var server = await StartAsync();

        var calls = Enumerable.Range(0, 20).Select(_ => SseReader.PostAsync(server, streamed)).ToArray();
        await WaitForCallersAsync(server, 20);
        _release.SetResult();
        var answers = await Task.WhenAll(calls);

        Assert.Single(_upstream.Received);
        Assert.All(answers, a =>
        {
            Assert.False(a.EndedCleanly);
            Assert.Contains("\"content\":\" world\"", a.Text, StringComparison.Ordinal);
            Assert.Contains("stream_interrupted", a.Text, StringComparison.Ordinal);
            Assert.DoesNotContain("data: [DONE]", a.Text, StringComparison.Ordinal);
        });

        var records = await server.WaitForRecordsAsync(20);
        Assert.All(records, r => Assert.Equal("upstream_stream_interrupted", r.ErrorClass));
        Assert.Equal(19, records.Count(r => r.CacheStatus == "coalesced"));

        // A cut answer is never stored: the next call goes upstream again.
        var (_, _) = await SseReader.PostAsync(server, streamed);
        Assert.Equal(2, _upstream.Received.Count);
    }

    [Fact]
    public async Task WhenTheProducingCallerHangsUp_TheOthersAreStillServed_AndItsRecordCarriesTheCost()
    {
        _upstream.Handler = async (context, _) =>
        {
            await _release.Task.WaitAsync(context.RequestAborted);
            await FakeResponses.WriteChatCompletionAsync(context);
        };
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var hangUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var producer = client.PostAsync("v1/chat/completions", GatehouseServer.Json(Request), hangUp.Token);
        await WaitForCallersAsync(server, 1);
        var follower = client.PostAsync("v1/chat/completions", GatehouseServer.Json(Request), Ct);
        await WaitForCallersAsync(server, 2);
        await hangUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => producer);
        await WaitForCallersAsync(server, 1, exactly: true); // Gatehouse has seen the hang-up
        _release.SetResult();

        using var followed = await follower;
        Assert.Equal(HttpStatusCode.OK, followed.StatusCode);
        Assert.Contains("Hello from the fake upstream.", await followed.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Single(_upstream.Received);

        var records = await server.WaitForRecordsAsync(2);
        var paid = Assert.Single(records, r => r.CacheStatus == "miss");
        Assert.Equal(499, paid.StatusCode);
        Assert.True(paid.CostUsd > 0);
        Assert.Equal(0m, Assert.Single(records, r => r.CacheStatus == "coalesced").CostUsd);
    }

    [Fact]
    public async Task WhenEveryCallerHangsUp_TheUpstreamCallIsCancelled()
    {
        var upstreamCancelled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _upstream.Handler = async (context, _) =>
        {
            context.RequestAborted.Register(() => upstreamCancelled.TrySetResult());
            await _release.Task.WaitAsync(context.RequestAborted);
        };
        await using var server = await StartAsync();
        using var client = server.CreateClient();

        using var hangUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var calls = Enumerable.Range(0, 3).Select(_ => client.PostAsync("v1/chat/completions", GatehouseServer.Json(Request), hangUp.Token)).ToArray();
        await WaitForCallersAsync(server, 3);
        await hangUp.CancelAsync();

        await upstreamCancelled.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        var records = await server.WaitForRecordsAsync(3);
        Assert.All(records, r => Assert.Equal(499, r.StatusCode));
        Assert.Equal(0, server.GetService<IInFlightAnswers>().Count);
        foreach (var call in calls)
        {
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        }
    }
}
