using System.Text.Json.Serialization;

namespace Gatehouse.Storage;

/// <summary>JSON for the list and map columns (<c>allowed_models</c>, <c>metadata</c>, <c>alert_thresholds</c>).</summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(decimal[]))]
[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
