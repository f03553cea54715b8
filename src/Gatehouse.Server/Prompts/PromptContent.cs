using System.Security.Cryptography;
using System.Text.Json;

namespace Gatehouse.Prompts;

/// <summary>A normalized definition as stored text, and its hash: how versions are written and recognised.</summary>
internal static class PromptContent
{
    public static string ToJson(PromptDefinition definition) => JsonSerializer.Serialize(definition, PromptJsonContext.Default.PromptDefinition);

    public static PromptDefinition FromJson(string json) =>
        JsonSerializer.Deserialize(json, PromptJsonContext.Default.PromptDefinition) ?? throw new InvalidOperationException("A stored prompt version has no content.");

    public static string Hash(string json) => Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)));
}
