using Microsoft.ML.Tokenizers;

namespace Gatehouse.Usage;

/// <summary>
/// Counts tokens with OpenAI's o200k_base encoding (gpt-4o, gpt-4.1, o-series, gpt-5), read from the
/// Microsoft.ML.Tokenizers.Data.O200kBase package. Building the tokenizer loads a 200k-entry
/// vocabulary, so it happens once per process, on first use; counting is thread-safe.
/// For other model families the count is an estimate.
/// </summary>
internal sealed class TiktokenTokenCounter : ITokenCounter
{
    private static readonly Lazy<Tokenizer> s_tokenizer =
        new(static () => TiktokenTokenizer.CreateForModel("gpt-4o"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared instance; register it as a singleton.</summary>
    public static TiktokenTokenCounter Instance { get; } = new();

    private TiktokenTokenCounter()
    {
    }

    public int CountTokens(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Length == 0 ? 0 : s_tokenizer.Value.CountTokens(text);
    }
}
