using System.Buffers.Text;
using System.Security.Cryptography;

namespace Gatehouse.Keys;

/// <summary>Creates key secrets (<c>sk-gh-</c> + 256 random bits) and key ids.</summary>
internal static class ApiKeyGenerator
{
    public const string SecretPrefix = "sk-gh-";

    /// <summary>How much of a secret may be shown after creation, so people can tell keys apart.</summary>
    public const int VisiblePrefixLength = 12;

    public static string NewSecret(string kind = "")
    {
        Span<byte> random = stackalloc byte[32];
        RandomNumberGenerator.Fill(random);
        return SecretPrefix + kind + Base64Url.EncodeToString(random);
    }

    public static string NewId() => "key_" + Guid.CreateVersion7().ToString("N");
}
