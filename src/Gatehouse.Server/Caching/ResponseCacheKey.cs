using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Gatehouse.Gateway;

namespace Gatehouse.Caching;

/// <summary>
/// The cache key of a call: a SHA-256 over the namespace, the API, and the request body in a
/// canonical form (object members sorted, whitespace gone), so two requests that mean the same
/// thing share an answer however their JSON was laid out. Fields that cannot change the answer
/// (<c>user</c>, <c>metadata</c>, <c>store</c>) are left out; everything else, <c>stream</c>
/// included, is part of the key, because the stored answer is the exact bytes the client got.
/// </summary>
internal static class ResponseCacheKey
{
    private const string Version = "v1";

    private static readonly HashSet<string> s_ignoredTopLevel = new(StringComparer.Ordinal) { "user", "metadata", "store" };

    public static string Compute(GatewayContext context, string space)
    {
        var body = (context.Call.ClientBody ?? context.Call.Body)!.Memory;
        var buffer = new ArrayBufferWriter<byte>(body.Length + 128);
        buffer.Write(Encoding.UTF8.GetBytes($"{Version}\n{space}\n{context.Call.Dialect.Name}\n{context.Call.EndpointName}\n"));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CanonicalJson.Write(body, writer, s_ignoredTopLevel);
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return "gatehouse:answer:" + Convert.ToHexStringLower(hash);
    }
}
