namespace Gatehouse.Usage;

/// <summary>
/// Saturating arithmetic for token counts on the admission and accounting paths: a sum that would
/// pass <see cref="int.MaxValue"/> stays there instead of wrapping to a negative (and so small,
/// admitted) number. Counts come from clients (<c>max_tokens</c>) and upstreams (<c>usage</c>), so
/// any value is possible.
/// </summary>
internal static class TokenMath
{
    /// <summary><paramref name="a"/> + <paramref name="b"/>, kept within 0..<see cref="int.MaxValue"/>.</summary>
    public static int Add(int a, int b) => Saturate((long)a + b);

    /// <summary>A count kept within 0..<see cref="int.MaxValue"/>.</summary>
    public static int Saturate(long value) => (int)Math.Clamp(value, 0, int.MaxValue);

    /// <summary>A JSON number read as a token count: integers beyond <see cref="int.MaxValue"/> saturate, negatives are 0, fractions are not counts (null).</summary>
    public static int? FromJsonNumber(ref System.Text.Json.Utf8JsonReader reader)
    {
        if (reader.TryGetInt64(out var integer))
        {
            return Saturate(integer);
        }

        // 1e12, 1E+30, or an integer beyond long: a count only when it is whole.
        return reader.TryGetDouble(out var number) && double.IsFinite(number) && Math.Floor(number) == number
            ? number > int.MaxValue ? int.MaxValue : Saturate((long)number)
            : null;
    }
}
