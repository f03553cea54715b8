using System.Collections.Concurrent;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using Gatehouse.Executions;
using Gatehouse.Keys;
using Gatehouse.Providers;

namespace Gatehouse.Tools;

internal sealed partial class ToolEmbedder
{
    /// <summary>How long a fill may run after the calls waiting for it have moved on.</summary>
    internal static readonly TimeSpan FillTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Tools per embeddings call of a fill. Providers cap a call (OpenAI: 2,048 inputs, 300,000
    /// tokens), and each chunk's vectors are cached as it lands, so a fill cut short still leaves
    /// its finished chunks for the next call.
    /// </summary>
    internal const int FillChunkSize = 256;

    /// <summary>How long a set of tools whose fill failed is ranked lexically before a fill is tried again.</summary>
    internal static readonly TimeSpan FailedFillBackoff = TimeSpan.FromSeconds(30);

    private readonly ConcurrentDictionary<(string Model, UInt128 Tools), Lazy<Task<float[][]?>>> _fills = new();

    /// <summary>
    /// When each recently failed set may be tried again. Without it, a fill that fails every time
    /// (a provider refusing the request, a key without access) would be re-sent, in full, by every
    /// call; the circuit breaker stops that for server errors but not for refusals.
    /// </summary>
    private readonly ConcurrentDictionary<(string Model, UInt128 Tools), DateTimeOffset> _failedUntil = new();

    /// <summary>
    /// Embeds tools not in the cache and adds them to it: one embeddings call per distinct set of
    /// missing tools, shared by every call that needs the same set while it runs. It is bound to
    /// the process (and <see cref="FillTimeout"/>), not to the call that started it, so a first call
    /// with a long tool list that gives up at <c>Tools:EmbeddingTimeoutMs</c> still leaves the
    /// vectors for the next; otherwise a list too long to embed within the timeout would be
    /// re-sent, and never cached, on every call. Null when the fill failed (logged), and for
    /// <see cref="FailedFillBackoff"/> after a failure without trying again.
    /// </summary>
    private Task<float[][]?> FillAsync(PipelineClient client, CallerIdentity caller, string model, UInt128[] hashes, string[] texts)
    {
        var key = (model, XxHash128.HashToUInt128(MemoryMarshal.AsBytes(hashes.AsSpan())));
        if (_failedUntil.TryGetValue(key, out var until))
        {
            if (timeProvider.GetUtcNow() < until)
            {
                return Task.FromResult<float[][]?>(null);
            }

            _failedUntil.TryRemove(key, out _);
        }

        return _fills.GetOrAdd(key, k => new Lazy<Task<float[][]?>>(() => RunFillAsync(k, client, caller, hashes, texts))).Value;
    }

    private async Task<float[][]?> RunFillAsync((string Model, UInt128 Tools) key, PipelineClient client, CallerIdentity caller, UInt128[] hashes, string[] texts)
    {
        await Task.Yield(); // the caller goes on to embed its query meanwhile
        try
        {
            using var bound = new CancellationTokenSource(FillTimeout, timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(bound.Token, lifetime.ApplicationStopping);
            var vectors = new float[texts.Length][];
            for (var start = 0; start < texts.Length; start += FillChunkSize)
            {
                var chunk = texts[start..Math.Min(texts.Length, start + FillChunkSize)];
                var answer = await client.SendAsync(new PipelineCall(caller, EmbeddingsJson.Request(key.Model, chunk)), ApiOperation.Embeddings, linked.Token);
                if (!answer.Succeeded)
                {
                    LogFailed(logger, key.Model, $"status {answer.StatusCode}, {answer.Record?.ErrorClass ?? "no error class"}");
                    return Failed(key);
                }

                var embedded = EmbeddingsJson.ReadVectors(answer.Body.Span, chunk.Length);
                for (var i = 0; i < embedded.Length; i++)
                {
                    vectors[start + i] = embedded[i];
                    cache.Add(key.Model, hashes[start + i], embedded[i]);
                }
            }

            return vectors;
        }
        catch (Exception e) when (e is not OperationCanceledException || !lifetime.ApplicationStopping.IsCancellationRequested)
        {
            LogFailed(logger, key.Model, e.GetType().Name + ": " + e.Message);
            return Failed(key);
        }
        finally
        {
            _fills.TryRemove(key, out _);
        }
    }

    private float[][]? Failed((string Model, UInt128 Tools) key)
    {
        if (_failedUntil.Count >= ToolEmbeddingCache.QueryCapacity)
        {
            _failedUntil.Clear();
        }

        _failedUntil[key] = timeProvider.GetUtcNow() + FailedFillBackoff;
        return null;
    }
}
