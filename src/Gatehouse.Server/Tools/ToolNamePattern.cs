namespace Gatehouse.Tools;

/// <summary>
/// A tool name or a glob over names (<c>*</c> = any run of characters, <c>?</c> = one), matched
/// without regard to case: <c>get_weather</c>, <c>calendar_*</c>, <c>*.search</c>.
/// </summary>
internal sealed class ToolNamePattern(string pattern)
{
    public string Pattern { get; } = pattern;

    public bool Matches(ReadOnlySpan<char> name) => Matches(Pattern, name);

    public override string ToString() => Pattern;

    /// <summary>Iterative glob matching with one back-tracking point: linear in practice, never exponential.</summary>
    private static bool Matches(ReadOnlySpan<char> pattern, ReadOnlySpan<char> name)
    {
        int p = 0, n = 0, star = -1, mark = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || char.ToUpperInvariant(pattern[p]) == char.ToUpperInvariant(name[n])))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
