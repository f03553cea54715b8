using Gatehouse.Caching;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gatehouse.Tests.Caching;

/// <summary>The in-process cache stays within its memory limit however many answers are stored.</summary>
public sealed class ResponseCacheMemoryTests
{
    [Fact]
    public async Task StoredAnswers_StayWithinTheMemoryLimit()
    {
        const long limit = 1024 * 1024;
        var services = new ServiceCollection();
        services.AddHybridCache().AddSerializer<CachedAnswer, CachedAnswerSerializer>();
        services.AddOptions<MemoryCacheOptions>().Configure(o =>
        {
            o.SizeLimit = limit;
            o.TrackStatistics = true;
        });
        await using var provider = services.BuildServiceProvider();
        var cache = new ResponseCache(provider.GetRequiredService<HybridCache>(), new Gatehouse.SharedState.InProcessStateChangeBus(), TimeProvider.System);
        var body = new byte[2000];

        // 4 MB of answers into a 1 MB cache.
        for (var i = 0; i < 2000; i++)
        {
            var answer = new SharedAnswer();
            answer.Start(200, [new("Content-Type", "application/json")]);
            answer.Append(body);
            answer.Complete(new SharedOutcome(200, null, null, null, Shareable: true, BodyAborted: false));
            await cache.SetAsync($"gatehouse:answer:{i:D64}", "default", answer, streamed: false, cache.UtcNow, TimeSpan.FromHours(1));
        }

        var memory = (MemoryCache)provider.GetRequiredService<IMemoryCache>();
        memory.Compact(0); // let a pending size-triggered compaction finish
        var statistics = memory.GetCurrentStatistics()!;
        Assert.InRange(statistics.CurrentEstimatedSize ?? long.MaxValue, 1, limit);
        Assert.InRange(statistics.CurrentEntryCount, 1, 1999);
    }
}
