using System.Text.Json.Serialization;

namespace Gatehouse.Benchmarks;

/// <summary>JSON for building benchmark inputs (the server turns reflection-based JSON off; so does this).</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class PromptBenchJson : JsonSerializerContext;
