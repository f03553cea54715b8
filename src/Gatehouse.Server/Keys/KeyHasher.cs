using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Keys;

/// <summary>
/// SHA-256 of a secret as lower-case hex. Keys are long random strings, so a fast unsalted hash is
/// safe here (nothing to brute-force) and keeps the per-request check to about a microsecond.
/// </summary>
internal static class KeyHasher
{
    public static string Hash(ReadOnlySpan<char> secret)
    {
        Span<byte> utf8 = secret.Length <= 256 ? stackalloc byte[Encoding.UTF8.GetMaxByteCount(secret.Length)] : new byte[Encoding.UTF8.GetMaxByteCount(secret.Length)];
        var length = Encoding.UTF8.GetBytes(secret, utf8);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8[..length], hash);
        return Convert.ToHexStringLower(hash);
    }
}
