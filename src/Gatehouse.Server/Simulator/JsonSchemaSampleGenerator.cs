using System.Buffers;
using System.Text.Json;

namespace Gatehouse.Simulator;

/// <summary>
/// Writes a JSON value that is valid against a JSON Schema: the subset that structured outputs
/// and tool parameters use (types, properties, required, enum, const, items, prefixItems, bounds,
/// lengths, formats, anyOf/oneOf/allOf take the first branch, local $ref). Every declared property
/// is filled, not only the required ones.
/// </summary>
/// <remarks>
/// Bounded whatever the schema says, as a real model is bounded by its output limit: at most
/// <see cref="MaxSteps"/> values and schema entries visited and <see cref="MaxStringChars"/>
/// characters of strings, then the answer is cut short (what is left of it is nulls and closing
/// brackets). <c>minItems: 1000000000</c>, <c>minLength: 100000000</c> or a <c>$ref</c> that doubles at
/// every level cost a fixed amount of work, and a keyword of the wrong type is ignored, not a crash.
/// </remarks>
internal sealed partial class JsonSchemaSampleGenerator(JsonElement root, SimulatorRandom random)
{
    /// <summary>Values written plus schema entries looked at, for one answer.</summary>
    internal const int MaxSteps = 200_000;

    /// <summary>Characters of string values in one answer.</summary>
    internal const int MaxStringChars = 1_000_000;

    private const int FullDepth = 8;
    private const int MaxDepth = 24;
    private int _steps;
    private int _chars;

    private bool Exhausted => _steps >= MaxSteps || _chars >= MaxStringChars;

    /// <summary>True when the budget ran out and the answer was cut short.</summary>
    public bool CutShort => Exhausted;

    public void Write(Utf8JsonWriter writer) => Write(writer, root, 0);

    /// <summary>Counts <paramref name="steps"/> of work; true when the budget is spent.</summary>
    private bool Spend(int steps = 1)
    {
        _steps = (int)Math.Min((long)_steps + steps, int.MaxValue);
        return Exhausted;
    }

    private void Write(Utf8JsonWriter w, JsonElement schema, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxDepth || Spend())
        {
            // true / {} accept anything; false accepts nothing, so any value is as good as another.
            w.WriteNullValue();
            return;
        }

        if (schema.TryGetProperty("$ref", out var reference) && reference.ValueKind == JsonValueKind.String && reference.GetString() is { } pointer)
        {
            Write(w, Resolve(pointer), depth + 1);
            return;
        }

        if (schema.TryGetProperty("const", out var constant))
        {
            constant.WriteTo(w);
            return;
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array && values.GetArrayLength() > 0)
        {
            values[random.Next(values.GetArrayLength())].WriteTo(w);
            return;
        }

        foreach (var combinator in (ReadOnlySpan<string>)["anyOf", "oneOf", "allOf"])
        {
            if (schema.TryGetProperty(combinator, out var branches) && branches.ValueKind == JsonValueKind.Array && branches.GetArrayLength() > 0)
            {
                Write(w, branches[0], depth + 1);
                return;
            }
        }

        switch (TypeOf(schema))
        {
            case "object": WriteObject(w, schema, depth); break;
            case "array": WriteArray(w, schema, depth); break;
            case "integer": WriteInteger(w, schema); break;
            case "number": WriteNumber(w, schema); break;
            case "boolean": w.WriteBooleanValue(random.Chance(0.5)); break;
            case "null": w.WriteNullValue(); break;
            default: WriteString(w, schema); break;
        }
    }

    private static string TypeOf(JsonElement schema)
    {
        if (schema.TryGetProperty("type", out var type))
        {
            if (type.ValueKind == JsonValueKind.String) return type.GetString()!;
            if (type.ValueKind == JsonValueKind.Array)
            {
                string? first = null;
                foreach (var t in type.EnumerateArray())
                {
                    if (t.ValueKind != JsonValueKind.String) continue;
                    var name = t.GetString()!;
                    if (name != "null") return name;
                    first ??= name;
                }

                return first ?? "string";
            }
        }

        if (schema.TryGetProperty("properties", out _)) return "object";
        return schema.TryGetProperty("items", out _) || schema.TryGetProperty("prefixItems", out _) ? "array" : "string";
    }

    private void WriteObject(Utf8JsonWriter w, JsonElement schema, int depth)
    {
        var hasRequired = schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array;
        var hasProperties = schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object;
        HashSet<string>? requiredNames = null;
        if (hasRequired && !Spend(required.GetArrayLength()))
        {
            requiredNames = new HashSet<string>(StringComparer.Ordinal);
            foreach (var name in required.EnumerateArray())
            {
                if (name.ValueKind == JsonValueKind.String) requiredNames.Add(name.GetString()!);
            }
        }

        w.WriteStartObject();
        var written = 0;
        HashSet<string>? declared = hasRequired ? new HashSet<string>(StringComparer.Ordinal) : null;
        if (hasProperties)
        {
            foreach (var property in properties.EnumerateObject())
            {
                if (Spend()) break;
                declared?.Add(property.Name);
                if (depth >= FullDepth && requiredNames?.Contains(property.Name) != true) continue;
                w.WritePropertyName(property.Name);
                Write(w, property.Value, depth + 1);
                written++;
            }
        }

        var extra = schema.TryGetProperty("additionalProperties", out var additional) ? additional : default;
        if (requiredNames is not null && !Exhausted)
        {
            foreach (var name in requiredNames)
            {
                if (Spend()) break;
                if (!declared!.Contains(name))
                {
                    w.WritePropertyName(name);
                    Write(w, extra, depth + 1);
                    written++;
                }
            }
        }

        if (written == 0 && extra.ValueKind == JsonValueKind.Object && depth < FullDepth)
        {
            for (var i = random.Next(1, 3); i > 0 && !Exhausted; i--)
            {
                w.WritePropertyName(SimulatedText.Word(random) + "_" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
                Write(w, extra, depth + 1);
            }
        }

        w.WriteEndObject();
    }

    private void WriteArray(Utf8JsonWriter w, JsonElement schema, int depth)
    {
        // Bounded by what is left of the budget: a huge minItems yields a cut-short answer, not a huge one.
        var room = Math.Max(0, MaxSteps - _steps);
        var min = Math.Min(GetInt(schema, "minItems") ?? 0, room);
        var max = Math.Max(min, Math.Min(GetInt(schema, "maxItems") ?? Math.Max(min, 3), room));
        var count = depth >= FullDepth ? min : random.Next(Math.Min(Math.Max(min, 1), max), max + 1);
        var unique = schema.TryGetProperty("uniqueItems", out var u) && u.ValueKind == JsonValueKind.True;
        schema.TryGetProperty("items", out var items);
        var hasPrefix = schema.TryGetProperty("prefixItems", out var prefix) && prefix.ValueKind == JsonValueKind.Array;
        if (hasPrefix) count = Math.Max(count, prefix.GetArrayLength());
        if (items.ValueKind == JsonValueKind.False && hasPrefix) count = Math.Min(count, prefix.GetArrayLength());

        w.WriteStartArray();
        var seen = unique ? new HashSet<string>(StringComparer.Ordinal) : null;
        var buffer = unique ? new ArrayBufferWriter<byte>() : null;
        for (int i = 0, attempts = 0; i < count && attempts < count * 8 && !Exhausted; attempts++)
        {
            var itemSchema = hasPrefix && i < prefix.GetArrayLength() ? prefix[i] : items;
            if (seen is null)
            {
                Write(w, itemSchema, depth + 1);
                i++;
                continue;
            }

            buffer!.ResetWrittenCount();
            using (var itemWriter = new Utf8JsonWriter(buffer))
            {
                Write(itemWriter, itemSchema, depth + 1);
            }

            if (seen.Add(Convert.ToBase64String(buffer.WrittenSpan)))
            {
                w.WriteRawValue(buffer.WrittenSpan, skipInputValidation: true);
                i++;
            }
        }

        w.WriteEndArray();
    }

    private JsonElement Resolve(string pointer)
    {
        var current = root;
        if (!pointer.StartsWith('#')) return default;
        foreach (var segment in pointer.AsSpan(1).Split('/'))
        {
            if (Spend()) return default;
            var part = pointer.AsSpan(1)[segment];
            if (part.IsEmpty) continue;
            var name = part.ToString().Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal);
            if (current.ValueKind == JsonValueKind.Object && current.TryGetProperty(name, out var next)) current = next;
            else if (current.ValueKind == JsonValueKind.Array && int.TryParse(name, out var index) && index < current.GetArrayLength()) current = current[index];
            else return default;
        }

        return current;
    }
}
