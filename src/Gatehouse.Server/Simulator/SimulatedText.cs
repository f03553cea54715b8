using System.Text;
using Gatehouse.Usage;

namespace Gatehouse.Simulator;

/// <summary>
/// Plausible English prose from a small grammar (determiner, adjective, noun, verb, object,
/// optional prepositional phrase and clause), sized in real tokens.
/// </summary>
internal static class SimulatedText
{
    private static readonly string[] Determiners = ["the", "a", "each", "every", "this", "our", "your", "that"];
    private static readonly string[] Adjectives =
    [
        "simple", "careful", "quiet", "modern", "reliable", "small", "large", "practical", "useful", "clear",
        "early", "recent", "common", "important", "open", "local", "steady", "brief", "complete", "gentle",
        "efficient", "typical", "careful", "new", "old", "main", "final", "strong", "natural", "distributed",
    ];
    private static readonly string[] Nouns =
    [
        "system", "team", "garden", "river", "engineer", "process", "model", "answer", "question", "city",
        "service", "library", "student", "method", "report", "network", "project", "result", "window", "story",
        "teacher", "market", "journey", "design", "request", "budget", "schedule", "village", "machine", "idea",
        "language", "record", "pattern", "tool", "forest", "plan", "customer", "document", "signal", "season",
    ];
    private static readonly string[] Verbs =
    [
        "improves", "describes", "supports", "follows", "changes", "explains", "builds", "reviews", "connects", "shapes",
        "measures", "protects", "finds", "shares", "creates", "needs", "reaches", "keeps", "tests", "guides",
        "handles", "produces", "reflects", "organizes", "answers", "requires", "includes", "shows", "solves", "tracks",
    ];
    private static readonly string[] Adverbs = ["often", "usually", "quickly", "carefully", "rarely", "gradually", "always", "clearly"];
    private static readonly string[] Prepositions = ["in", "with", "for", "near", "after", "during", "across", "without", "under", "around"];
    private static readonly string[] Conjunctions = ["and", "but", "while", "because", "so", "although"];

    /// <summary>
    /// Writes text of about <paramref name="targetTokens"/> tokens. With <paramref name="hardLimit"/> the
    /// text stops mid-sentence at the limit (never above it); otherwise it ends at a sentence end.
    /// Returns the exact token count.
    /// </summary>
    public static (string Text, int Tokens) Generate(SimulatorRandom random, int targetTokens, bool hardLimit, ITokenCounter counter, CancellationToken cancellationToken = default)
    {
        var text = new StringBuilder(targetTokens * 6);
        var wordEnds = new List<int>(targetTokens);
        var estimate = 0;
        var sentencesInParagraph = 0;
        while (estimate < targetTokens)
        {
            if (sentencesInParagraph >= 3 && random.Chance(0.3))
            {
                text.Append("\n\n");
                sentencesInParagraph = 0;
            }

            estimate += AppendSentence(random, text, wordEnds, hardLimit ? targetTokens - estimate : int.MaxValue);
            sentencesInParagraph++;
        }

        var tokens = counter.CountTokens(text.ToString(), cancellationToken);
        while (hardLimit && tokens > targetTokens && wordEnds.Count > 1)
        {
            var drop = Math.Min(Math.Max(1, tokens - targetTokens), wordEnds.Count - 1);
            wordEnds.RemoveRange(wordEnds.Count - drop, drop);
            text.Length = wordEnds[^1];
            tokens = counter.CountTokens(text.ToString(), cancellationToken);
        }

        return (text.ToString(), tokens);
    }

    /// <summary>A single sentence without a trailing space, for string values in generated JSON.</summary>
    public static string Sentence(SimulatorRandom random, int maxWords)
    {
        var text = new StringBuilder(64);
        AppendSentence(random, text, wordEnds: null, Math.Max(1, maxWords));
        return text.ToString();
    }

    public static string Word(SimulatorRandom random) => random.Pick<string>(Nouns);

    private static int AppendSentence(SimulatorRandom r, StringBuilder text, List<int>? wordEnds, int budget)
    {
        var start = text.Length;
        var words = 0;
        void Add(string word)
        {
            if (words >= budget) return;
            if (text.Length > 0 && text[^1] != '\n') text.Append(' ');
            if (words == 0)
            {
                text.Append(char.ToUpperInvariant(word[0])).Append(word, 1, word.Length - 1);
            }
            else
            {
                text.Append(word);
            }

            words++;
            wordEnds?.Add(text.Length);
        }

        void NounPhrase()
        {
            var adjective = r.Chance(0.5) ? r.Pick<string>(Adjectives) : null;
            var noun = r.Pick<string>(Nouns);
            var determiner = r.Pick<string>(Determiners);
            if (determiner == "a" && "aeiou".Contains((adjective ?? noun)[0], StringComparison.Ordinal)) determiner = "an";
            Add(determiner);
            if (adjective is not null) Add(adjective);
            Add(noun);
        }

        NounPhrase();
        if (r.Chance(0.3)) Add(r.Pick<string>(Adverbs));
        Add(r.Pick<string>(Verbs));
        NounPhrase();
        if (r.Chance(0.5))
        {
            Add(r.Pick<string>(Prepositions));
            NounPhrase();
        }

        if (r.Chance(0.35))
        {
            Add(r.Pick<string>(Conjunctions));
            NounPhrase();
            Add(r.Pick<string>(Verbs));
            NounPhrase();
        }

        if (words < budget && text.Length > start)
        {
            text.Append('.');
            wordEnds?.Add(text.Length);
            words++;
        }

        return words;
    }
}
