using System.Globalization;
using System.Text.Json;

namespace Gatehouse.Simulator;

internal sealed partial class JsonSchemaSampleGenerator
{
    private void WriteString(Utf8JsonWriter w, JsonElement schema)
    {
        var format = schema.TryGetProperty("format", out var f) && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        var text = format switch
        {
            "date-time" => Date().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "date" => Date().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            "time" => Date().ToString("HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            "email" => SimulatedText.Word(random) + "@example.com",
            "hostname" => SimulatedText.Word(random) + ".example.com",
            "uri" or "url" => "https://example.com/" + SimulatedText.Word(random),
            "uuid" => Uuid(),
            "ipv4" => string.Create(CultureInfo.InvariantCulture, $"192.0.2.{random.Next(1, 255)}"),
            _ => SimulatedText.Sentence(random, random.Next(3, 9)),
        };

        // Bounded by what is left of the budget: a huge minLength yields a cut-short answer, not a huge one.
        var min = Math.Min(GetInt(schema, "minLength") ?? 0, Math.Max(0, MaxStringChars - _chars));
        var max = GetInt(schema, "maxLength") ?? int.MaxValue;
        if (text.Length < min)
        {
            var longer = new System.Text.StringBuilder(text, min + 16);
            while (longer.Length < min)
            {
                longer.Append(' ').Append(SimulatedText.Word(random));
            }

            text = longer.ToString();
        }

        if (text.Length > max)
        {
            text = text[..max].TrimEnd();
            if (text.Length < min) text = new string('x', min);
        }

        _chars += text.Length;
        w.WriteStringValue(text);
    }

    private void WriteInteger(Utf8JsonWriter w, JsonElement schema)
    {
        var low = GetDouble(schema, "minimum") is { } mn ? Math.Ceiling(mn) : double.MinValue;
        if (GetDouble(schema, "exclusiveMinimum") is { } xmn) low = Math.Max(low, Math.Floor(xmn) + 1);
        var high = GetDouble(schema, "maximum") is { } mx ? Math.Floor(mx) : double.MaxValue;
        if (GetDouble(schema, "exclusiveMaximum") is { } xmx) high = Math.Min(high, Math.Ceiling(xmx) - 1);
        (low, high) = Range(low, high, 100);

        var value = low + Math.Floor(random.NextDouble() * (high - low + 1));
        if (GetDouble(schema, "multipleOf") is { } step && step > 0)
        {
            var k = Math.Ceiling(low / step);
            var last = Math.Floor(high / step);
            value = k <= last ? (k + random.Next((int)Math.Min(last - k + 1, int.MaxValue))) * step : value;
        }

        value = Math.Min(value, high);
        w.WriteNumberValue(double.IsFinite(value) && Math.Abs(value) < 9e18 ? (long)value : 0);
    }

    private void WriteNumber(Utf8JsonWriter w, JsonElement schema)
    {
        var low = GetDouble(schema, "minimum") ?? double.MinValue;
        var high = GetDouble(schema, "maximum") ?? double.MaxValue;
        var exclusiveLow = GetDouble(schema, "exclusiveMinimum");
        var exclusiveHigh = GetDouble(schema, "exclusiveMaximum");
        if (exclusiveLow is { } el) low = Math.Max(low, el);
        if (exclusiveHigh is { } eh) high = Math.Min(high, eh);
        (low, high) = Range(low, high, 1000);

        // Halves first: high - low overflows to infinity for bounds near ±double.MaxValue.
        var middle = (low / 2) + (high / 2);
        var span = high - low;
        var value = Math.Round(low + (random.NextDouble() * (double.IsFinite(span) ? span : ((high / 2) - (low / 2)) * 2)), 2);
        if (!double.IsFinite(value) || value < low || value > high) value = middle;
        if ((exclusiveLow is { } a && value <= a) || (exclusiveHigh is { } b && value >= b)) value = middle;
        w.WriteNumberValue(double.IsFinite(value) ? value : 0);
    }

    /// <summary>Turns open or one-sided bounds into a finite range of about <paramref name="span"/> wide.</summary>
    private static (double Low, double High) Range(double low, double high, double span)
    {
        var hasLow = low > double.MinValue;
        var hasHigh = high < double.MaxValue;
        if (!hasLow && !hasHigh) return (0, span);
        if (!hasLow) return (high - span, high);
        if (!hasHigh) return (low, low + span);
        return (low, Math.Max(low, high));
    }

    private DateTime Date() =>
        new DateTime(2020, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(random.Next(6 * 365 * 24 * 3600));

    private string Uuid()
    {
        Span<byte> bytes = stackalloc byte[16];
        BitConverter.TryWriteBytes(bytes, random.NextUInt64());
        BitConverter.TryWriteBytes(bytes[8..], random.NextUInt64());
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes).ToString();
    }

    private static int? GetInt(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var i) ? Math.Max(0, i) : null;

    private static double? GetDouble(JsonElement schema, string name) =>
        schema.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d) ? d : null;
}
