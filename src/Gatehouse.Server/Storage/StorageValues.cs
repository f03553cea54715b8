namespace Gatehouse.Storage;

/// <summary>
/// How .NET values are written to the portable schema: timestamps as microseconds since the Unix
/// epoch (UTC), money as integer pico-dollars, Guids as lower-case text. Shared by every provider
/// so SQLite and PostgreSQL hold identical values.
/// </summary>
internal static class StorageValues
{
    private const long TicksPerMicrosecond = TimeSpan.TicksPerMillisecond / 1000;
    private const decimal PicoDollarsPerDollar = 1_000_000_000_000m;
    private static readonly long s_unixEpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;

    /// <summary>Microseconds since the Unix epoch; sub-microsecond ticks are dropped (PostgreSQL's precision too).</summary>
    public static long ToUnixMicroseconds(DateTimeOffset value)
        => Math.DivRem(value.UtcTicks - s_unixEpochTicks, TicksPerMicrosecond, out var remainder) - (remainder < 0 ? 1 : 0);

    public static long? ToUnixMicroseconds(DateTimeOffset? value)
        => value is { } v ? ToUnixMicroseconds(v) : null;

    public static DateTimeOffset FromUnixMicroseconds(long value)
        => new(s_unixEpochTicks + (value * TicksPerMicrosecond), TimeSpan.Zero);

    public static DateTimeOffset? FromUnixMicroseconds(long? value)
        => value is { } v ? FromUnixMicroseconds(v) : null;

    /// <summary>
    /// Exact for amounts with up to 12 decimal places (finer than any per-token price); a finer
    /// fraction is rounded half to even. Throws <see cref="OverflowException"/> above ~9.2 million USD.
    /// </summary>
    public static long ToPicoDollars(decimal usd)
        => decimal.ToInt64(decimal.Round(usd * PicoDollarsPerDollar, MidpointRounding.ToEven));

    public static decimal FromPicoDollars(long picoDollars) => picoDollars / PicoDollarsPerDollar;

    public static string ToText(Guid id) => id.ToString("D");

    public static long ToInteger(bool value) => value ? 1 : 0;
}
