namespace Gatehouse.Tools;

/// <summary>Which writing system a text is mostly in, for choosing whether an English-only model may read it.</summary>
internal static class TextScript
{
    /// <summary>
    /// True when at least half of the text's letters are Latin (Basic Latin, Latin-1, Extended-A/B,
    /// Extended Additional: English and the languages written like it), or it has no letters.
    /// </summary>
    public static bool IsMostlyLatin(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return true;
        }

        int letters = 0, latin = 0;
        foreach (var c in text)
        {
            if (char.IsLetter(c))
            {
                letters++;
                latin += c <= '\u024F' || c is >= '\u1E00' and <= '\u1EFF' ? 1 : 0;
            }
        }

        return latin * 2 >= letters;
    }
}
