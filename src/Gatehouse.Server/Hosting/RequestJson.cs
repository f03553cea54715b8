using System.Buffers;
using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;

namespace Gatehouse.Hosting;

/// <summary>
/// What every JSON request body must be before any component reads a value from it, checked once
/// where the body enters (the <c>/v1</c> reading stage, <c>count_tokens</c>, <see cref="RequestLimits"/>
/// for everything else): valid UTF-8, no lone surrogate escape, at most <see cref="MaxDepth"/> levels.
/// </summary>
/// <remarks>
/// <see cref="Utf8JsonReader"/> and <see cref="JsonDocument"/> accept invalid UTF-8 inside strings and
/// an escape such as <c>"\ud800"</c> with no low half: they check only the JSON grammar. The first
/// <c>GetString()</c> on such a value throws <see cref="InvalidOperationException"/> ("Cannot transcode
/// invalid UTF-8 JSON text", "Cannot read incomplete UTF-16 JSON text"), wherever that happens to be
/// (the request reader's <c>model</c>, the token estimator, the Anthropic translator, the prompt input
/// checker, a provider) — a 500. Checked here, it is one precise 400 in the caller's dialect.
/// </remarks>
internal static class RequestJson
{
    /// <summary>Nesting a client's body may have (System.Text.Json's default, so the <c>/api</c> binder agrees).</summary>
    public const int MaxDepth = 64;

    /// <summary>
    /// Nesting Gatehouse's own readers allow in what it derives from a checked body (the OpenAI body
    /// translated from a <c>/v1/messages</c> one is a level or two deeper), so a body accepted at the
    /// entry is never refused, or thrown on, further in.
    /// </summary>
    public const int DerivedMaxDepth = 2 * MaxDepth;

    public static readonly JsonReaderOptions DerivedReaderOptions = new() { MaxDepth = DerivedMaxDepth };

    public static readonly JsonDocumentOptions DerivedDocumentOptions = new() { MaxDepth = DerivedMaxDepth };

    /// <summary>Invalid UTF-8 or a lone surrogate escape, described for the client; null when the text is sound. Linear, vectorised.</summary>
    public static string? FindTextError(ReadOnlySpan<byte> body)
    {
        if (!Utf8.IsValid(body))
        {
            return $"invalid UTF-8 at byte {FirstInvalidUtf8(body)}";
        }

        return FindLoneSurrogate(body);
    }

    /// <summary>
    /// The byte offset of the first <c>\u0000</c> escape in JSON text (a raw NUL byte is already
    /// invalid JSON), or -1. An escaped backslash followed by <c>u0000</c> is not one.
    /// </summary>
    public static int FindNulEscape(ReadOnlySpan<byte> body)
    {
        var index = 0;
        while (true)
        {
            var next = body[index..].IndexOf((byte)'\\');
            if (next < 0 || index + next + 1 >= body.Length)
            {
                return -1;
            }

            index += next;
            if (body[index + 1] == (byte)'u' && index + 6 <= body.Length
                && Utf8Parser.TryParse(body.Slice(index + 2, 4), out ushort unit, out var parsed, 'x') && parsed == 4 && unit == 0)
            {
                return index;
            }

            index += 2;
        }
    }

    /// <summary>Everything wrong with a body (text, grammar, nesting), described for the client; null when it is valid JSON.</summary>
    public static string? FindError(ReadOnlySpan<byte> body)
    {
        if (FindTextError(body) is { } text)
        {
            return text;
        }

        // One level of slack so the reader does not throw first: the depth is reported by position.
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = MaxDepth + 1 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && reader.CurrentDepth >= MaxDepth)
                {
                    return $"more than {MaxDepth} levels of nesting at byte {reader.TokenStartIndex}";
                }
            }

            return null;
        }
        catch (JsonException ex)
        {
            return $"line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}";
        }
    }

    /// <summary>The offset of the first byte that does not start a well-formed UTF-8 sequence (only called on invalid text).</summary>
    private static int FirstInvalidUtf8(ReadOnlySpan<byte> body)
    {
        var index = 0;
        while (index < body.Length)
        {
            var nonAscii = body[index..].IndexOfAnyExceptInRange((byte)0, (byte)0x7F);
            if (nonAscii < 0)
            {
                break;
            }

            index += nonAscii;
            if (Rune.DecodeFromUtf8(body[index..], out _, out var consumed) != OperationStatus.Done)
            {
                return index;
            }

            index += consumed;
        }

        return index;
    }

    /// <summary>
    /// Walks the backslashes (in valid JSON there are none outside strings, and inside one each
    /// starts an escape of two bytes, or six for <c>\uXXXX</c>): a high surrogate escape must be
    /// followed at once by a low one, and a low one must follow a high one. Escapes that are not
    /// well-formed are left for the JSON reader to report.
    /// </summary>
    private static string? FindLoneSurrogate(ReadOnlySpan<byte> body)
    {
        var pendingHigh = -1;
        var index = 0;
        while (true)
        {
            var next = body[index..].IndexOf((byte)'\\');
            if (next < 0)
            {
                return pendingHigh < 0 ? null : LoneSurrogate(body, pendingHigh);
            }

            index += next;
            if (pendingHigh >= 0 && index != pendingHigh + 6)
            {
                return LoneSurrogate(body, pendingHigh);
            }

            if (index + 1 >= body.Length)
            {
                return null;
            }

            if (body[index + 1] != (byte)'u' || index + 6 > body.Length
                || !Utf8Parser.TryParse(body.Slice(index + 2, 4), out ushort unit, out var parsed, 'x') || parsed != 4)
            {
                if (pendingHigh >= 0)
                {
                    return LoneSurrogate(body, pendingHigh);
                }

                index += 2;
                continue;
            }

            if (pendingHigh >= 0)
            {
                if (!char.IsLowSurrogate((char)unit))
                {
                    return LoneSurrogate(body, pendingHigh);
                }

                pendingHigh = -1;
            }
            else if (char.IsHighSurrogate((char)unit))
            {
                pendingHigh = index;
            }
            else if (char.IsLowSurrogate((char)unit))
            {
                return LoneSurrogate(body, index);
            }

            index += 6;
        }
    }

    private static string LoneSurrogate(ReadOnlySpan<byte> body, int index) =>
        $"a lone surrogate escape {Encoding.ASCII.GetString(body.Slice(index, 6))} at byte {index} (JSON strings must be valid Unicode: a high surrogate escape needs a low one right after it)";
}
