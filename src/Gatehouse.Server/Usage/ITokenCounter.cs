namespace Gatehouse.Usage;

/// <summary>Counts tokens the way the models do (a real BPE tokenizer, not a character heuristic).</summary>
public interface ITokenCounter
{
    int CountTokens(string text);
}
