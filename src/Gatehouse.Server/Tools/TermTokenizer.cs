using System.Globalization;
using System.Text;

namespace Gatehouse.Tools;

/// <summary>
/// Turns text and identifiers into search terms: lower-case words split at spaces, punctuation,
/// <c>snake_case</c>, <c>dotted.names</c> and <c>camelCase</c>/<c>HTMLParser</c> boundaries, with
/// light English stemming and a short stop-word list. Works on any script: letters and digits of
/// every language are words; scripts written without spaces (Chinese, Japanese, Thai…) become
/// overlapping character pairs, so a query matches a description without a word segmenter.
/// Nothing here throws on odd input (lone surrogates, control characters are separators).
/// </summary>
internal static partial class TermTokenizer
{
    /// <summary>Longest term kept; longer runs (base64, hashes) carry no meaning for ranking.</summary>
    private const int MaxTermLength = 40;

    /// <summary>Calls <paramref name="onTerm"/> for every term of <paramref name="text"/>, in order.</summary>
    public static void Tokenize<TState>(ReadOnlySpan<char> text, ref TState state, TermSink<TState> onTerm)
    {
        Span<char> buffer = stackalloc char[MaxTermLength];
        var length = 0;
        var previous = CharClass.Other;
        var overflow = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var kind = Classify(c);
            if (kind == CharClass.Unspaced)
            {
                Flush(buffer, ref length, ref overflow, ref state, onTerm);
                EmitUnspaced(text, ref i, ref state, onTerm);
                previous = CharClass.Other;
                continue;
            }

            if (kind == CharClass.Other)
            {
                Flush(buffer, ref length, ref overflow, ref state, onTerm);
                previous = kind;
                continue;
            }

            // camelCase: a capital after a lower-case letter starts a word; in "HTMLParser" the
            // capital before a lower-case letter does too (HTML | Parser). Digits stay with their word.
            if (length > 0 && kind == CharClass.Upper
                && (previous == CharClass.Lower
                    || (previous == CharClass.Upper && i + 1 < text.Length && Classify(text[i + 1]) == CharClass.Lower)))
            {
                Flush(buffer, ref length, ref overflow, ref state, onTerm);
            }

            if (length < MaxTermLength)
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
            else
            {
                overflow = true;
            }

            previous = kind;
        }

        Flush(buffer, ref length, ref overflow, ref state, onTerm);
    }

    /// <summary>All terms of <paramref name="text"/> as strings (tests, tools).</summary>
    public static List<string> Terms(string text)
    {
        var terms = new List<string>();
        Tokenize(text, ref terms, static (ref List<string> list, ReadOnlySpan<char> term) => list.Add(term.ToString()));
        return terms;
    }

    private static void Flush<TState>(Span<char> buffer, ref int length, ref bool overflow, ref TState state, TermSink<TState> onTerm)
    {
        if (length > 0 && !overflow)
        {
            var term = Stem(buffer[..length]);
            if (!IsStopWord(term))
            {
                onTerm(ref state, term);
            }
        }

        length = 0;
        overflow = false;
    }

    /// <summary>A run of characters from scripts without spaces: each adjacent pair is a term (a lone character is one).</summary>
    private static void EmitUnspaced<TState>(ReadOnlySpan<char> text, ref int i, ref TState state, TermSink<TState> onTerm)
    {
        var start = i;
        while (i + 1 < text.Length && Classify(text[i + 1]) == CharClass.Unspaced)
        {
            i++;
        }

        var run = text[start..(i + 1)];
        if (run.Length == 1)
        {
            onTerm(ref state, run);
            return;
        }

        for (var j = 0; j + 1 < run.Length; j++)
        {
            onTerm(ref state, run.Slice(j, 2));
        }
    }

    private static CharClass Classify(char c)
    {
        if (c < 128)
        {
            return c is >= 'a' and <= 'z' ? CharClass.Lower
                : c is >= 'A' and <= 'Z' ? CharClass.Upper
                : c is >= '0' and <= '9' ? CharClass.Digit
                : CharClass.Other;
        }

        if (IsUnspacedScript(c))
        {
            return CharClass.Unspaced;
        }

        return CharUnicodeInfo.GetUnicodeCategory(c) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.TitlecaseLetter => CharClass.Upper,
            UnicodeCategory.LowercaseLetter or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Lower,
            UnicodeCategory.NonSpacingMark or UnicodeCategory.SpacingCombiningMark => CharClass.Lower, // accents, Devanagari vowel signs
            UnicodeCategory.DecimalDigitNumber => CharClass.Digit,
            _ => CharClass.Other,
        };
    }

    /// <summary>CJK ideographs, kana, Thai, Lao, Khmer, Myanmar: written without spaces between words.</summary>
    private static bool IsUnspacedScript(char c) =>
        c is (>= '\u3040' and <= '\u30FF') // Hiragana, Katakana
            or (>= '\u3400' and <= '\u4DBF') // CJK extension A
            or (>= '\u4E00' and <= '\u9FFF') // CJK unified ideographs
            or (>= '\uF900' and <= '\uFAFF') // CJK compatibility ideographs
            or (>= '\u0E00' and <= '\u0EFF') // Thai, Lao
            or (>= '\u1000' and <= '\u109F') // Myanmar
            or (>= '\u1780' and <= '\u17FF'); // Khmer

    private enum CharClass
    {
        Other,
        Lower,
        Upper,
        Digit,
        Unspaced,
    }
}

/// <summary>Receives one term; the span is only valid during the call.</summary>
internal delegate void TermSink<TState>(ref TState state, ReadOnlySpan<char> term);
