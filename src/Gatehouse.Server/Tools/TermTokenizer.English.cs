namespace Gatehouse.Tools;

internal static partial class TermTokenizer
{
    /// <summary>
    /// Words that say nothing about which tool is meant. Kept short on purpose: words such as
    /// "get", "list" or "find" are in tool names and carry signal there.
    /// </summary>
    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> s_stopWords = new HashSet<string>(StringComparer.Ordinal)
    {
        "a", "an", "and", "are", "as", "at", "be", "by", "can", "could", "do", "does", "for", "from", "has", "have", "he", "her",
        "his", "how", "i", "if", "in", "into", "is", "it", "its", "me", "my", "of", "on", "or", "our", "please", "she", "so",
        "that", "the", "their", "them", "then", "there", "these", "they", "this", "those", "to", "us", "was", "we", "were",
        "what", "when", "which", "who", "will", "with", "would", "you", "your", "s", "t", "d", "ll", "m", "re", "ve",
        "e", "g", "eg", "ie", "etc", "also", "some", "any", "all", "about", "want", "need", "like", "just", "give", "tell",
        "help", "let", "know", "make", "sure", "using", "use", "used", "uses", "given", "specified", "specific", "based",
    }.GetAlternateLookup<ReadOnlySpan<char>>();

    private static bool IsStopWord(ReadOnlySpan<char> term) => s_stopWords.Contains(term);

    /// <summary>
    /// A light suffix stripper for English plurals and verb forms ("calculates", "calculated",
    /// "calculating" → "calcula"; "flights" → "flight"; "queries" → "query"). It only shortens
    /// ASCII words longer than four letters, so identifiers, numbers and other languages pass unchanged;
    /// the same rule runs on tools and on queries, so both sides meet.
    /// </summary>
    private static ReadOnlySpan<char> Stem(Span<char> word)
    {
        if (word.Length <= 4 || !IsAsciiLower(word))
        {
            return word;
        }

        var stem = StripSuffix(word);
        return stem.Length > TruncateAt ? stem[..TruncateAt] : stem;
    }

    private static Span<char> StripSuffix(Span<char> word)
    {

        if (word.EndsWith("ies") )
        {
            word[^3] = 'y';
            return word[..^2];
        }

        if (word.EndsWith("sses"))
        {
            return word[..^2];
        }

        if (word.EndsWith("ing") && word.Length > 5)
        {
            return TrimE(word[..^3]);
        }

        if (word.EndsWith("ed") && word.Length > 5)
        {
            return TrimE(word[..^2]);
        }

        if (word.EndsWith("es") && word.Length > 5 && word[^3] is 's' or 'x' or 'z' or 'h')
        {
            return word[..^2];
        }

        if (word[^1] == 's' && word[^2] is not 's' and not 'u' and not 'i')
        {
            return TrimE(word[..^1]);
        }

        return TrimE(word);
    }

    /// <summary>
    /// Stems are cut to this many letters (truncation stemming): "recommendation" and "recommend",
    /// "animation" and "animate" meet. Seven was best on the tuning half of the data set (5, 6, 7, none tried).
    /// </summary>
    private const int TruncateAt = 7;

    /// <summary>Drops a final "e" so "create", "created" and "creating" meet at "creat".</summary>
    private static Span<char> TrimE(Span<char> word) => word.Length > 4 && word[^1] == 'e' ? word[..^1] : word;

    private static bool IsAsciiLower(ReadOnlySpan<char> word)
    {
        foreach (var c in word)
        {
            if (c is < 'a' or > 'z')
            {
                return false;
            }
        }

        return true;
    }
}
