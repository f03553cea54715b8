using System.Text;

namespace Gatehouse.Tools;

/// <summary>
/// An identifier as the words it is made of, for text a language model reads: <c>get_weather</c> →
/// "get weather", <c>CompanyInfoTool</c> → "Company Info Tool", <c>HTMLParser</c> → "HTML Parser",
/// <c>fs.read-file</c> → "fs read file". Case is kept (an embedding model reads "HTML" and "html"
/// alike anyway); digits stay with the letters before them.
/// </summary>
internal static class IdentifierWords
{
    public static string Split(string identifier)
    {
        var words = new StringBuilder(identifier.Length + 8);
        for (var i = 0; i < identifier.Length; i++)
        {
            var c = identifier[i];
            if (c is '_' or '-' or '.' or '/' or ':')
            {
                AppendSpace(words);
                continue;
            }

            if (i > 0 && char.IsUpper(c) && IsWordStart(identifier, i))
            {
                AppendSpace(words);
            }

            words.Append(c);
        }

        return words.ToString().Trim();
    }

    /// <summary>An upper-case letter starts a word after a lower-case letter or digit, or before a lower-case letter in a run of capitals (the P of HTMLParser).</summary>
    private static bool IsWordStart(string s, int i)
    {
        var previous = s[i - 1];
        return char.IsLower(previous) || char.IsDigit(previous)
            || (char.IsUpper(previous) && i + 1 < s.Length && char.IsLower(s[i + 1]));
    }

    private static void AppendSpace(StringBuilder words)
    {
        if (words.Length > 0 && words[^1] != ' ')
        {
            words.Append(' ');
        }
    }
}
