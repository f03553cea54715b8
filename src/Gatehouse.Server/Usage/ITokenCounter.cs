namespace Gatehouse.Usage;

/// <summary>Counts tokens the way the models do (a real BPE tokenizer, not a character heuristic).</summary>
public interface ITokenCounter
{
    /// <summary>
    /// The tokens of <paramref name="text"/>. Work is linear in its length and stops with an
    /// <see cref="OperationCanceledException"/> soon after <paramref name="cancellationToken"/> is
    /// cancelled (a client that leaves does not keep a core busy).
    /// </summary>
    int CountTokens(string text, CancellationToken cancellationToken = default);
}
