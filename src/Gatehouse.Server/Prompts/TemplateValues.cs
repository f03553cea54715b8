using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gatehouse.Prompts;

/// <summary>A value whose text in a rendered template is its JSON.</summary>
internal interface ITemplateJson
{
    string Json { get; }
}

/// <summary>A JSON object input: Handlebars reads its members (<c>{{customer.name}}</c>, <c>{{#each customer}}</c>); written whole, it is its JSON.</summary>
internal sealed class TemplateObject(string json) : Dictionary<string, object?>(StringComparer.Ordinal), ITemplateJson
{
    public string Json { get; } = json;
}

/// <summary>A JSON array input: Handlebars loops over it (<c>{{#each items}}</c>); written whole, it is its JSON.</summary>
internal sealed class TemplateArray(string json) : List<object?>, ITemplateJson
{
    public string Json { get; } = json;
}

/// <summary>Turns JSON inputs into the values Handlebars binds to: strings, decimals, booleans, null, and the two types above.</summary>
internal static class TemplateValues
{
    public static object? From(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.TryGetDecimal(out var exact) ? exact : value.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Array => ArrayFrom(value),
        JsonValueKind.Object => ObjectFrom(value),
        _ => null,
    };

    private static TemplateArray ArrayFrom(JsonElement value)
    {
        var array = new TemplateArray(CompactJson(value));
        foreach (var item in value.EnumerateArray())
        {
            array.Add(From(item));
        }

        return array;
    }

    private static TemplateObject ObjectFrom(JsonElement value)
    {
        var result = new TemplateObject(CompactJson(value));
        foreach (var property in value.EnumerateObject())
        {
            result[property.Name] = From(property.Value);
        }

        return result;
    }

    /// <summary>The value as compact JSON, non-ASCII text kept as it is (a prompt is read by a model, not a browser).</summary>
    public static string CompactJson(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
