using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Executions;

/// <summary>Source-generated JSON for what executions keep in JSON columns (camelCase, like the API).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(RenderedCall))]
[JsonSerializable(typeof(ExecutionOverrides))]
[JsonSerializable(typeof(ExecutionAttempt[]))]
[JsonSerializable(typeof(ValidationIssue[]))]
internal sealed partial class ExecutionJsonContext : JsonSerializerContext;
