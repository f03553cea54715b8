using Gatehouse.Keys;
using Gatehouse.Records;

namespace Gatehouse.Tests.Storage;

internal static class StorageTestData
{
    /// <summary>A fixed instant with whole microseconds, so it survives storage unchanged.</summary>
    public static readonly DateTimeOffset BaseTime = new(2025, 6, 1, 12, 0, 0, TimeSpan.Zero);

    public static RequestRecord Record(
        DateTimeOffset? timestamp = null,
        string? keyId = "key-a",
        string? model = "gpt-4o-mini",
        int statusCode = 200,
        Guid? id = null) => new()
    {
        Id = id ?? Guid.NewGuid(),
        Timestamp = timestamp ?? BaseTime,
        KeyId = keyId,
        Endpoint = "chat.completions",
        RequestedModel = model,
        StatusCode = statusCode,
        ErrorClass = statusCode >= 400 ? "upstream_error" : null,
        InputTokens = 10,
        OutputTokens = 5,
        CostUsd = 0.0001m,
        LatencyMs = 12.5,
    };

    public static VirtualKey Key(string id, DateTimeOffset? createdAt = null, string? hash = null) => new()
    {
        Id = id,
        Name = "key " + id,
        KeyHash = hash ?? Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id))),
        Prefix = "gh-" + id[..Math.Min(4, id.Length)],
        CreatedAt = createdAt ?? BaseTime,
    };
}
