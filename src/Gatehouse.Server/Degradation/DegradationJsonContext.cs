using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Degradation;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(PinnedLevel))]
internal sealed partial class DegradationJsonContext : JsonSerializerContext;
