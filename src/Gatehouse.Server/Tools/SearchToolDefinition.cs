using System.Text;
using System.Text.Json;

namespace Gatehouse.Tools;

/// <summary>
/// The small function Gatehouse offers beside the kept tools so a filtered tool stays reachable:
/// when the model calls it, Gatehouse adds the tools matching its query and asks again (see
/// <c>ToolPrefilterStage</c>). Its wording tells the model what it is for and that it is cheap.
/// </summary>
internal static class SearchToolDefinition
{
    public const string DefaultName = "search_tools";

    public const string QueryParameter = "query";

    private const string Description = "Only some of the available tools are listed. If none of them can do what is needed, call this with a short description of the task to get the matching tools.";

    /// <summary>The definition as raw JSON in OpenAI's shape, ready to splice into a chat request's <c>tools</c> array.</summary>
    public static byte[] Json(string name) => Write(writer =>
    {
        writer.WriteString("type", "function");
        writer.WriteStartObject("function");
        writer.WriteString("name", name);
        writer.WriteString("description", Description);
        WriteSchema(writer, "parameters");
        writer.WriteEndObject();
    });

    /// <summary>The same definition in Anthropic's shape (<c>{"name","description","input_schema"}</c>), for a <c>/v1/messages</c> body.</summary>
    public static byte[] AnthropicJson(string name) => Write(writer =>
    {
        writer.WriteString("name", name);
        writer.WriteString("description", Description);
        WriteSchema(writer, "input_schema");
    });

    private static byte[] Write(Action<Utf8JsonWriter> body)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        return stream.ToArray();
    }

    private static void WriteSchema(Utf8JsonWriter writer, string property)
    {
        writer.WriteStartObject(property);
        writer.WriteString("type", "object");
        writer.WriteStartObject("properties");
        writer.WriteStartObject(QueryParameter);
        writer.WriteString("type", "string");
        writer.WriteString("description", "What the tool should do, in a few words.");
        writer.WriteEndObject();
        writer.WriteEndObject();
        writer.WriteStartArray("required");
        writer.WriteStringValue(QueryParameter);
        writer.WriteEndArray();
        writer.WriteEndObject();
    }

    /// <summary>Tokens the definition costs on every call that carries it.</summary>
    public static int Tokens(string name, Usage.ITokenCounter counter) => counter.CountTokens(Encoding.UTF8.GetString(Json(name)));
}
