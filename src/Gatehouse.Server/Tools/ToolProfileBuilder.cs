using System.Text;
using System.Text.Json;
using Gatehouse.Usage;

namespace Gatehouse.Tools;

/// <summary>
/// Reads one tool definition (OpenAI's <c>{"type":"function","function":{...}}</c>, a bare
/// <c>{"name","description","parameters"}</c>, or Anthropic's <c>{"name","description","input_schema"}</c>)
/// into a <see cref="ToolProfile"/>: the name, the
/// description, and every parameter's name, description and enum values, nested objects and array
/// items included (to a fixed depth, so a hostile schema cannot make it recurse forever).
/// </summary>
internal static class ToolProfileBuilder
{
    private const int MaxSchemaDepth = 6;

    public static ToolProfile Build(JsonElement tool, ITokenCounter tokenCounter, CancellationToken cancellationToken = default)
    {
        var function = tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : tool;
        var name = function.ValueKind == JsonValueKind.Object && function.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
        var builder = new Accumulator();
        builder.Add(ToolField.Name, name);
        if (function.ValueKind == JsonValueKind.Object)
        {
            if (function.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
            {
                builder.Add(ToolField.Description, description.GetString()!);
            }

            if (function.TryGetProperty("parameters", out var parameters) || function.TryGetProperty("input_schema", out parameters))
            {
                AddSchema(builder, parameters, 0);
            }
        }

        return new ToolProfile(name, builder.Terms, builder.Lengths, CountTokens(tool, tokenCounter, cancellationToken), IsServerTool(tool));
    }

    /// <summary>
    /// An Anthropic server tool: a <c>type</c> other than <c>function</c> (OpenAI) or <c>custom</c>
    /// (Anthropic's client tools, whose <c>type</c> is optional), e.g. <c>web_search_20250305</c>.
    /// </summary>
    private static bool IsServerTool(JsonElement tool) =>
        tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
        && !type.ValueEquals("function"u8) && !type.ValueEquals("custom"u8) && !tool.TryGetProperty("function", out _);

    /// <summary>Tokens of the definition in compact JSON: the client's own whitespace does not change the count.</summary>
    public static int CountTokens(JsonElement tool, ITokenCounter tokenCounter, CancellationToken cancellationToken = default)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            tool.WriteTo(writer);
        }

        return tokenCounter.CountTokens(Encoding.UTF8.GetString(buffer.WrittenSpan), cancellationToken);
    }

    private static void AddSchema(Accumulator builder, JsonElement schema, int depth)
    {
        if (schema.ValueKind != JsonValueKind.Object || depth > MaxSchemaDepth)
        {
            return;
        }

        if (depth > 0 && schema.TryGetProperty("description", out var description) && description.ValueKind == JsonValueKind.String)
        {
            builder.Add(ToolField.ParameterDescriptions, description.GetString()!);
        }

        if (schema.TryGetProperty("enum", out var values) && values.ValueKind == JsonValueKind.Array)
        {
            foreach (var value in values.EnumerateArray())
            {
                if (value.ValueKind == JsonValueKind.String)
                {
                    builder.Add(ToolField.ParameterDescriptions, value.GetString()!);
                }
            }
        }

        if (schema.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in properties.EnumerateObject())
            {
                builder.Add(ToolField.ParameterNames, property.Name);
                AddSchema(builder, property.Value, depth + 1);
            }
        }

        if (schema.TryGetProperty("items", out var items))
        {
            AddSchema(builder, items, depth + 1);
        }
    }

    private sealed class Accumulator
    {
        public Dictionary<string, FieldCounts> Terms { get; } = new(StringComparer.Ordinal);

        public FieldCounts Lengths;

        public void Add(ToolField field, string text)
        {
            var state = (this, field);
            TermTokenizer.Tokenize(text, ref state, static (ref (Accumulator Self, ToolField Field) s, ReadOnlySpan<char> term) =>
            {
                var lookup = s.Self.Terms.GetAlternateLookup<ReadOnlySpan<char>>();
                ref var counts = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(lookup, term, out _);
                counts[(int)s.Field]++;
                s.Self.Lengths[(int)s.Field]++;
            });
        }
    }
}
