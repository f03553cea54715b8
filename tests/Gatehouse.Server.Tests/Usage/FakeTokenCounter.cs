using Gatehouse.Usage;

namespace Gatehouse.Tests.Usage;

internal sealed class FakeTokenCounter(Func<string, int> count) : ITokenCounter
{
    public int CountTokens(string text, CancellationToken cancellationToken = default) => count(text);
}
