using System.Text;
using CsCheck;

namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// Generators of the values that break parsers: wrong types, numbers at and past every integer and
/// floating-point edge, strings with lone surrogates and invalid UTF-8, huge strings and arrays,
/// and deep nesting. Each yields the raw bytes of one JSON value (or of something that is almost
/// one). Sizes come from ranges, so CsCheck shrinks a failure towards the shortest string, the
/// smallest array and the shallowest nesting that still fails.
/// </summary>
internal static class NastyJson
{
    /// <summary>Above this many bytes a body (or header) is "huge": the report truncates it and it is rare in the mix.</summary>
    public const int HugeBytes = 100_000;

    private static readonly string[] s_wrongTypes =
    [
        "null", "true", "false", "0", "1", "-1", "\"\"", "\"x\"", "\"1\"", "\"true\"", "[]", "{}", "[1,2]", "[null]",
        "{\"a\":1}", "[{}]", "[[]]", "{\"type\":128}", "{\"name\":{}}", "[\"a\",1,null,{}]",
    ];

    private static readonly string[] s_numbers =
    [
        "0", "-0", "1", "-1", "0.5", "-0.5", "1.0", "1e0", "1E+2", "2147483647", "2147483648", "-2147483648", "-2147483649",
        "4294967295", "4294967296", "9223372036854775807", "9223372036854775808", "-9223372036854775809",
        "18446744073709551616", "123456789012345678901234567890", "1e308", "-1e308", "1e309", "1e400", "-1e400",
        "1e-400", "4.9e-324", "1.7976931348623157e308", "100000000", "1000000000", "65536", "128", "129", "0.0000001",
        "0.1e1", "1e2147483648", "00", "-", "01", "1.", ".5", "+1", "0x10", "NaN", "Infinity", "-Infinity",
    ];

    private static readonly string[] s_strings =
    [
        "\"NaN\"", "\"Infinity\"", "\"-Infinity\"", "\"1e308\"", "\"-1\"", "\"null\"", "\"\\u0000\"", "\"a\\u0000b\"",
        "\"\\ud800\"", "\"\\udfff\"", "\"a\\ud800b\"", "\"\\udc00\\ud800\"", "\"\\ud83d\"", "\"\\ud83d\\ude00\"", "\"\\uD800\\u0041\"",
        "\"\\uFFFF\"", "\"\\uFEFF\"", "\"\\u202e\"", "\"\\u2028\"", "\"\\\\\"", "\"\\\"\"", "\"\\x\"", "\"\\u12\"", "\"\\\"",
        "\"0001-01-01T00:00:00Z\"", "\"9999-12-31T23:59:59.9999999Z\"", "\"10000-01-01T00:00:00Z\"", "\"2026-02-30T00:00:00Z\"",
        "\"not-a-date\"", "\"{{\"", "\"}}\"", "\"{{#each x}}\"", "\"{{> p}}\"", "\"'; DROP TABLE keys; --\"", "\"%s%s%n\"",
        "\"user\"", "\"system\"", "\"assistant\"", "\"tool\"", "\"function\"", "\"text\"", "\"image\"", "\"json_schema\"",
        "\"sim-small\"", "\"sim-embedding\"", "\"master\"", "\"production\"", "\"latest\"", "\"day\"", "\"base64\"", "\"float\"",
        "\"\u00e9\u4e2d\ud83d\ude00\"", "\"" + new string('\u0301', 50) + "\"",
    ];

    /// <summary>Strings whose bytes are not UTF-8 (or are UTF-8 of a surrogate): each is a quoted token with the bad bytes inside.</summary>
    private static readonly byte[][] s_invalidUtf8 =
    [
        [0xFF], [0xFE, 0xFF], [0xC0, 0xAF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xF4, 0x90, 0x80, 0x80],
        [0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98], [0xF8, 0x88, 0x80, 0x80, 0x80], [0x00], [0x01], [0x1F], [0x0A],
    ];

    public static Gen<byte[]> WrongType { get; } = Gen.OneOf(s_wrongTypes).Select(Utf8);

    /// <summary>Counts and sizes a caller may ask for that no provider would serve (dimensions, n, max_tokens, limits).</summary>
    private static readonly string[] s_bigCounts = ["100000", "1000000", "16777216", "100000000", "1000000000", "2147483647", "21474837", "4294967295"];

    public static Gen<byte[]> Number { get; } = Gen.Frequency(
        (3, Gen.OneOf(s_numbers).Select(Utf8)),
        (2, Gen.OneOf(s_bigCounts).Select(Utf8)),
        (1, Gen.Long.Select(l => Utf8(l.ToString(System.Globalization.CultureInfo.InvariantCulture)))),
        (1, Gen.Double.Select(d => Utf8(d.ToString("R", System.Globalization.CultureInfo.InvariantCulture)))));

    public static Gen<byte[]> OddString { get; } = Gen.OneOf(s_strings).Select(Utf8);

    public static Gen<byte[]> InvalidUtf8String { get; } =
        Gen.Select(Gen.OneOf(s_invalidUtf8), Gen.Int[0, 20], (bad, pad) => Concat(Utf8("\"" + new string('a', pad)), bad, Utf8("\"")));

    /// <summary>Long strings: one unbroken run (what tokenizers choke on), words, or other scripts.</summary>
    public static Gen<byte[]> LongString { get; } = Gen.Select(
        Gen.Frequency((6, Gen.Int[0, 2_000]), (3, Gen.Int[2_000, 50_000]), (2, Gen.Int[50_000, 1_000_000])),
        Gen.Int[0, 4],
        static (length, kind) => Utf8("\"" + LongText(length, kind) + "\""));

    public static Gen<byte[]> HugeArray { get; } = Gen.Select(
        Gen.Frequency((6, Gen.Int[0, 1_000]), (3, Gen.Int[1_000, 20_000]), (1, Gen.Int[20_000, 200_000])),
        Gen.OneOf("1", "\"a\"", "null", "{}", "[]", "{\"role\":\"user\",\"content\":\"hi\"}", "{\"type\":\"text\",\"text\":\"hi\"}", "0.5"),
        static (count, item) => Utf8("[" + string.Join(',', Enumerable.Repeat(item, count)) + "]"));

    /// <summary>Nesting depth around every limit there is (64 for a reader, 127/128 for System.Text.Json's default, 1000, 10,000).</summary>
    public static Gen<byte[]> DeepNesting { get; } = Gen.Select(
        Gen.Frequency((3, Gen.OneOf(63, 64, 65, 66, 100, 126, 127, 128, 129, 256, 1_000, 10_000)), (2, Gen.Int[1, 2_000])),
        Gen.Int[0, 3],
        static (depth, kind) => kind switch
        {
            0 => Utf8(new string('[', depth) + "1" + new string(']', depth)),
            1 => Utf8(string.Concat(Enumerable.Repeat("{\"a\":", depth)) + "1" + new string('}', depth)),
            2 => Utf8(string.Concat(Enumerable.Repeat("{\"type\":\"object\",\"properties\":{\"a\":", depth)) + "{}" + string.Concat(Enumerable.Repeat("}}", depth))),
            _ => Utf8(string.Concat(Enumerable.Repeat("[{\"a\":", depth)) + "1" + string.Concat(Enumerable.Repeat("}]", depth))),
        });

    /// <summary>Not JSON at all, where a value goes.</summary>
    public static Gen<byte[]> Broken { get; } = Gen.OneOf("NaN", "undefined", "'single'", "{", "[", "}", "]", ",", "\"unterminated", "tru", "nul", "{\"a\"}", "[1,]", "{,}", "/* c */1", "1 2", "\u00a0")
        .Select(Utf8);

    public static Gen<byte[]> Any { get; } = Gen.Frequency(
        (5, WrongType),
        (5, Number),
        (5, OddString),
        (3, InvalidUtf8String),
        (3, LongString),
        (1, HugeArray),
        (2, DeepNesting),
        (1, Broken));

    /// <summary>A key for an added member: a plausible field name, an odd one, or one that is not valid UTF-8.</summary>
    public static Gen<byte[]> Key { get; } = Gen.Frequency(
        (4, Gen.OneOf("model", "messages", "input", "stream", "n", "max_tokens", "tools", "tool_choice", "response_format", "dimensions",
            "encoding_format", "system", "content", "role", "name", "inputs", "version", "label", "overrides", "limitUsd", "period", "keyId",
            "routing", "cache", "toolPrefilter", "slug", "variables", "level", "__proto__", "constructor", "", "$ref").Select(JsonTree.Key)),
        (2, OddString),
        (1, InvalidUtf8String),
        (1, LongString));

    public static string LongText(int length, int kind) => kind switch
    {
        0 => new string('a', length),
        1 => string.Concat(Enumerable.Repeat("lorem ipsum ", (length / 12) + 1))[..length],
        2 => new string('\u4e2d', length / 3),
        3 => string.Concat(Enumerable.Repeat("\\u00e9", (length / 6) + 1)),
        _ => string.Concat(Enumerable.Repeat("\\ud83d\\ude00", (length / 12) + 1)),
    };

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(p => p)];
}
