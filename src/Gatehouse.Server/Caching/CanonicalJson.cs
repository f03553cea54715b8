using System.Text;
using System.Text.Json;

namespace Gatehouse.Caching;

/// <summary>
/// Writes a JSON document in one canonical form: object members sorted by name (ordinal, on their
/// UTF-8 bytes), no whitespace, strings re-escaped one way, numbers as written. It reads with
/// <see cref="Utf8JsonReader"/> over the original bytes and never materialises a property name as a
/// string, because this runs on every cacheable call.
/// </summary>
internal static class CanonicalJson
{
    /// <summary>Writes <paramref name="json"/> canonically, leaving out the top-level members named in <paramref name="ignoredTopLevel"/>.</summary>
    public static void Write(ReadOnlyMemory<byte> json, Utf8JsonWriter writer, IReadOnlySet<string> ignoredTopLevel)
    {
        var reader = new Utf8JsonReader(json.Span, Hosting.RequestJson.DerivedReaderOptions);
        reader.Read();
        WriteValue(json, ref reader, writer, ignoredTopLevel);
    }

    private static void WriteValue(ReadOnlyMemory<byte> json, ref Utf8JsonReader reader, Utf8JsonWriter writer, IReadOnlySet<string>? ignored)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                WriteObject(json, ref reader, writer, ignored);
                break;
            case JsonTokenType.StartArray:
                writer.WriteStartArray();
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    WriteValue(json, ref reader, writer, null);
                }

                writer.WriteEndArray();
                break;
            case JsonTokenType.String:
                if (reader.ValueIsEscaped)
                {
                    writer.WriteStringValue(reader.GetString());
                }
                else
                {
                    writer.WriteStringValue(reader.ValueSpan);
                }

                break;
            case JsonTokenType.Number:
                writer.WriteRawValue(reader.ValueSpan, skipInputValidation: true);
                break;
            case JsonTokenType.True or JsonTokenType.False:
                writer.WriteBooleanValue(reader.TokenType == JsonTokenType.True);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    /// <summary>Collects the object's members (name, and where its value lies), sorts them, then writes each value from its own reader.</summary>
    private static void WriteObject(ReadOnlyMemory<byte> json, ref Utf8JsonReader reader, Utf8JsonWriter writer, IReadOnlySet<string>? ignored)
    {
        var members = new List<Member>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            // A name is a slice of the document (after its opening quote) unless it holds escapes.
            var name = reader.ValueIsEscaped
                ? Encoding.UTF8.GetBytes(reader.GetString()!)
                : json.Slice((int)reader.TokenStartIndex + 1, reader.ValueSpan.Length);
            reader.Read();
            var start = (int)reader.TokenStartIndex;
            reader.Skip();
            if (ignored is null || !ignored.Contains(Encoding.UTF8.GetString(name.Span)))
            {
                members.Add(new Member(name, start, (int)reader.BytesConsumed));
            }
        }

        members.Sort(static (a, b) => a.Name.Span.SequenceCompareTo(b.Name.Span));
        writer.WriteStartObject();
        foreach (var member in members)
        {
            writer.WritePropertyName(member.Name.Span);
            var value = json[member.Start..member.End];
            var valueReader = new Utf8JsonReader(value.Span);
            valueReader.Read();
            WriteValue(value, ref valueReader, writer, null);
        }

        writer.WriteEndObject();
    }

    private readonly record struct Member(ReadOnlyMemory<byte> Name, int Start, int End);
}
