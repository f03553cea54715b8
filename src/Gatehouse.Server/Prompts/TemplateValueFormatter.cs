using System.Globalization;
using HandlebarsDotNet;
using HandlebarsDotNet.IO;

namespace Gatehouse.Prompts;

/// <summary>
/// How input values look in rendered text: booleans as JSON writes them (<c>true</c>, not
/// <c>True</c>), numbers in invariant culture, objects and arrays as compact JSON. Strings need
/// nothing: Handlebars writes them as they are.
/// </summary>
internal sealed class TemplateValueFormatter : IFormatterProvider
{
    public bool TryCreateFormatter(Type type, out IFormatter formatter)
    {
        formatter = type switch
        {
            _ when type == typeof(bool) => BooleanFormatter.Instance,
            _ when type == typeof(decimal) || type == typeof(double) => NumberFormatter.Instance,
            _ when type == typeof(TemplateObject) || type == typeof(TemplateArray) => JsonFormatter.Instance,
            _ => null!,
        };
        return formatter is not null;
    }

    private sealed class BooleanFormatter : IFormatter
    {
        public static readonly BooleanFormatter Instance = new();

        public void Format<T>(T value, in EncodedTextWriter writer) => writer.Write(value is true ? "true" : "false", encode: false);
    }

    private sealed class NumberFormatter : IFormatter
    {
        public static readonly NumberFormatter Instance = new();

        public void Format<T>(T value, in EncodedTextWriter writer) =>
            writer.Write(value is IFormattable number ? number.ToString(null, CultureInfo.InvariantCulture) : value?.ToString(), encode: false);
    }

    private sealed class JsonFormatter : IFormatter
    {
        public static readonly JsonFormatter Instance = new();

        public void Format<T>(T value, in EncodedTextWriter writer) => writer.Write(((ITemplateJson)value!).Json, encode: false);
    }
}
