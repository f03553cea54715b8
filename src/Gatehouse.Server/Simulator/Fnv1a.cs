namespace Gatehouse.Simulator;

/// <summary>64-bit FNV-1a: a stable, allocation-free hash for deriving seeds from request bytes.</summary>
internal static class Fnv1a
{
    private const ulong OffsetBasis = 0xCBF29CE484222325UL;
    private const ulong Prime = 0x100000001B3UL;

    public static ulong Hash(ReadOnlySpan<byte> data) => Append(OffsetBasis, data);

    public static ulong Append(ulong hash, ReadOnlySpan<byte> data)
    {
        foreach (var b in data)
        {
            hash = (hash ^ b) * Prime;
        }

        return hash;
    }

    public static ulong Append(ulong hash, ulong value)
    {
        for (var i = 0; i < 8; i++)
        {
            hash = (hash ^ (byte)(value >> (i * 8))) * Prime;
        }

        return hash;
    }
}
