using Microsoft.ML.Tokenizers;

namespace Gatehouse.Usage;

/// <summary>
/// Counts tokens with OpenAI's o200k_base encoding (gpt-4o, gpt-4.1, o-series, gpt-5), read from the
/// Microsoft.ML.Tokenizers.Data.O200kBase package. Building the tokenizer loads a 200k-entry
/// vocabulary, so it happens once per process, on first use; counting is thread-safe.
/// For other model families the count is an estimate.
/// </summary>
/// <remarks>
/// Byte-pair encoding of one pre-tokenized piece is quadratic in the piece's length, and o200k's
/// pre-tokenizer keeps an unbroken run of letters (200,000 <c>a</c>s, a paragraph of Chinese
/// without punctuation) as one piece. So the text is pre-tokenized here, a window of
/// <see cref="WindowChars"/> at a time, and a piece longer than <see cref="MaxPieceChars"/> is
/// encoded in chunks of that length, as tiktoken-style encoders bound their pieces: the work is
/// linear in the text and checks the cancellation token once per window. The count is exact for
/// text whose pieces are all shorter than the bound (ordinary prose and code in any language);
/// for a longer run, each chunk boundary can add a token. A window ends before a space that
/// follows a non-space where there is one (always a piece boundary in o200k, so the cut changes
/// nothing); otherwise, in the middle of such a run, anywhere but inside a surrogate pair.
/// </remarks>
internal sealed class TiktokenTokenCounter : ITokenCounter
{
    /// <summary>The longest piece given to byte-pair encoding (o200k's longest tokens are 128 characters of spaces).</summary>
    internal const int MaxPieceChars = 128;

    /// <summary>Text pre-tokenized at once, between two checks of the cancellation token.</summary>
    internal const int WindowChars = 16 * 1024;

    /// <summary>How far back from a window's end a clean cut (before " word") is looked for.</summary>
    private const int CutSearchChars = 1024;

    private static readonly Lazy<Tokenizer> s_tokenizer =
        new(static () => TiktokenTokenizer.CreateForModel("gpt-4o"), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The shared instance; register it as a singleton.</summary>
    public static TiktokenTokenCounter Instance { get; } = new();

    private TiktokenTokenCounter()
    {
    }

    public int CountTokens(string text, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return 0;
        }

        var tokenizer = s_tokenizer.Value;
        var preTokenizer = tokenizer.PreTokenizer!;
        var tokens = 0;
        for (var start = 0; start < text.Length;)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var end = WindowEnd(text, start);
            var window = text.AsSpan(start, end - start);
            foreach (var (offset, length) in preTokenizer.PreTokenize(window))
            {
                tokens += CountPiece(tokenizer, window.Slice(offset, length));
            }

            start = end;
        }

        return tokens;
    }

    private static int CountPiece(Tokenizer tokenizer, ReadOnlySpan<char> piece)
    {
        var tokens = 0;
        while (piece.Length > MaxPieceChars)
        {
            var length = char.IsHighSurrogate(piece[MaxPieceChars - 1]) ? MaxPieceChars - 1 : MaxPieceChars;
            tokens += tokenizer.CountTokens(piece[..length], considerPreTokenization: false, considerNormalization: false);
            piece = piece[length..];
        }

        return tokens + tokenizer.CountTokens(piece, considerPreTokenization: false, considerNormalization: false);
    }

    /// <summary>Where the window that starts at <paramref name="start"/> ends (exclusive).</summary>
    private static int WindowEnd(string text, int start)
    {
        var end = start + WindowChars;
        if (end >= text.Length)
        {
            return text.Length;
        }

        var floor = Math.Max(start + 1, end - CutSearchChars);
        for (var cut = end; cut > floor; cut--)
        {
            if (text[cut] == ' ' && !char.IsWhiteSpace(text[cut - 1]))
            {
                return cut;
            }
        }

        return char.IsHighSurrogate(text[end - 1]) ? end - 1 : end;
    }
}
