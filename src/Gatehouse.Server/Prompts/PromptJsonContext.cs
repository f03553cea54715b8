using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Prompts;

/// <summary>
/// Version content as stored and hashed: camelCase like the API, nulls left out, so the same
/// content always serializes to the same text. Prompt files are read with it too.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true)]
[JsonSerializable(typeof(PromptDefinition))]
[JsonSerializable(typeof(Dictionary<string, JsonElement>))]
[JsonSerializable(typeof(RenderedMessage[]))]
[JsonSerializable(typeof(Executions.ExecutionDelta))]
[JsonSerializable(typeof(PromptFile))]
internal sealed partial class PromptJsonContext : JsonSerializerContext;
