namespace Gatehouse.Tools;

/// <summary>
/// What the conversation is about, as weighted terms: the last user message counts fully, earlier
/// turns less the further back they are (see <see cref="ToolSignals"/>). A term said twice counts twice.
/// </summary>
internal sealed class ToolQuery
{
    private readonly Dictionary<string, float> _weights = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, float> Weights => _weights;

    public bool IsEmpty => _weights.Count == 0;

    /// <summary>Adds every term of <paramref name="text"/> with <paramref name="weight"/>.</summary>
    public void Add(ReadOnlySpan<char> text, float weight)
    {
        if (weight <= 0)
        {
            return;
        }

        var state = (_weights.GetAlternateLookup<ReadOnlySpan<char>>(), weight);
        TermTokenizer.Tokenize(text, ref state, static (ref (Dictionary<string, float>.AlternateLookup<ReadOnlySpan<char>> Lookup, float Weight) s, ReadOnlySpan<char> term) =>
        {
            ref var existing = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(s.Lookup, term, out _);
            existing += s.Weight;
        });
    }
}
