using System.Text.Json.Serialization;

namespace Gatehouse.Records.Journal;

/// <summary>The journal's encoding of a record: every property, by its C# name, so a journal written by one version is read by the next.</summary>
[JsonSerializable(typeof(RequestRecord))]
// Named literals: a latency that came out NaN must not make the record unjournalable.
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
internal sealed partial class RecordJournalJsonContext : JsonSerializerContext;
