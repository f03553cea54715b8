using Gatehouse.Usage;
using Microsoft.ML.Tokenizers;

namespace Gatehouse.Tests.Simulator;

/// <summary>The real o200k tokenizer, shared because loading it takes a while.</summary>
public sealed class TiktokenCounter : ITokenCounter
{
    public static readonly TiktokenCounter Instance = new();

    private readonly TiktokenTokenizer _tokenizer = TiktokenTokenizer.CreateForModel("gpt-4o");

    public int CountTokens(string text, CancellationToken cancellationToken = default) => _tokenizer.CountTokens(text);
}
