using System.Collections.Concurrent;
using System.Net;
using Xunit;
using static Gatehouse.Tests.ScaleOut.ScaleOutCalls;

namespace Gatehouse.Tests.ScaleOut;

/// <summary>
/// A replica killed with SIGKILL under load: the others keep serving, and every call it answered has
/// a record once it starts again on its data directory (its journal). The bound while it is down is
/// measured and reported; a graceful stop loses nothing even without a restart.
/// </summary>
[Collection(ScaleOutTestGroup.Name)]
public sealed class ScaleOutCrashTests(ITestOutputHelper output)
{
    [Fact]
    public async Task OneReplicaKilledUnderLoad_TheOthersKeepServing_AndNoAnsweredCallIsLeftWithoutARecord()
    {
        await using var environment = await ScaleOutEnvironment.CreateAsync();
        await using var upstream = await StartUpstreamAsync();
        await using var cluster = await environment.StartClusterAsync(3, Config(upstream));
        var (_, secret) = await CreateKeyAsync(cluster, 0, new { name = "load" });

        var answered = new ConcurrentBag<CallResult>();
        var answeredAfterKill = 0;
        var killed = 0;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var workers = Enumerable.Range(0, 6).Select(worker => Task.Run(async () =>
        {
            for (var i = worker; !stop.IsCancellationRequested; i++)
            {
                var replica = i % 3;
                if (replica == 2 && Volatile.Read(ref killed) == 1)
                {
                    continue;
                }

                try
                {
                    var call = await CallAsync(cluster, replica, secret);
                    if (call.Status == HttpStatusCode.OK && call.RequestId is not null)
                    {
                        answered.Add(call);
                        if (Volatile.Read(ref killed) == 1)
                        {
                            Interlocked.Increment(ref answeredAfterKill);
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or InvalidOperationException or IOException)
                {
                    // Replica 2 going away mid-call: that call was not answered, so it owes no record.
                }
            }
        })).ToArray();

        await WaitUntilAsync(() => Task.FromResult(answered.Count(c => c.Replica == 2) >= 40), "replica 2 answered 40 calls");
        await cluster.KillAsync(2);
        Volatile.Write(ref killed, 1);
        await WaitUntilAsync(() => Task.FromResult(Volatile.Read(ref answeredAfterKill) >= 60), "the other replicas answered 60 calls after the kill");
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        // The survivors' records all arrive; of the killed replica's, those still in its journal are missing until it restarts.
        var calls = answered.ToArray();
        var survivors = calls.Where(c => c.Replica != 2).Select(c => c.RequestId!).ToHashSet();
        await WaitUntilAsync(async () => survivors.IsSubsetOf((await RecordsAsync(cluster, 0)).Select(r => r.GetProperty("id").GetString()!)), "the surviving replicas' records are stored");
        var stored = (await RecordsAsync(cluster, 0)).Select(r => r.GetProperty("id").GetString()!).ToList();
        var missing = calls.Count(c => !stored.Contains(c.RequestId!));
        output.WriteLine($"answered {calls.Length} calls ({calls.Count(c => c.Replica == 2)} by the killed replica); {missing} had no record while it was down");
        Assert.All(calls.Where(c => !stored.Contains(c.RequestId!)), c => Assert.Equal(2, c.Replica));

        await cluster.StartReplicaAsync(2, Ct);
        await WaitUntilAsync(async () => calls.Select(c => c.RequestId!).ToHashSet().IsSubsetOf((await RecordsAsync(cluster, 1)).Select(r => r.GetProperty("id").GetString()!)), "every answered call has a record after the restart");
        var records = await RecordsAsync(cluster, 1);
        Assert.Equal(records.Count, records.Select(r => r.GetProperty("id").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task AReplicaStoppedGracefully_LeavesNoAnsweredCallWithoutARecord()
    {
        await using var environment = await ScaleOutEnvironment.CreateAsync();
        await using var upstream = await StartUpstreamAsync();
        await using var cluster = await environment.StartClusterAsync(2, Config(upstream));
        var (_, secret) = await CreateKeyAsync(cluster, 0, new { name = "graceful" });

        var calls = await BurstAsync(cluster, secret, 60);
        Assert.All(calls, c => Assert.Equal(HttpStatusCode.OK, c.Status));
        await cluster.StopAsync(1);

        var stored = (await WaitForRecordsAsync(cluster, 0, 60)).Select(r => r.GetProperty("id").GetString()!).ToHashSet();
        Assert.All(calls, c => Assert.Contains(c.RequestId!, stored));
    }
}
