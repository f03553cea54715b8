using System.Text;
using System.Text.Json;
using Gatehouse.Tools;
using Gatehouse.Usage;

namespace Gatehouse.Tests.Tools;

/// <summary>A small travel-assistant tool set, as OpenAI tool definitions (JSON) and as profiles.</summary>
internal static class ToolCatalog
{
    public static readonly (string Name, string Description, string Parameter)[] Tools =
    [
        ("get_weather", "Get the current weather forecast for a city.", "city"),
        ("book_flight", "Book a flight ticket between two airports on a date.", "destination"),
        ("search_hotels", "Search hotels and rooms available in a city for given dates.", "city"),
        ("send_email", "Send an email message to a recipient.", "recipient"),
        ("create_calendar_event", "Create an event in the user's calendar.", "title"),
        ("translate_text", "Translate text from one language into another.", "target_language"),
        ("get_stock_price", "Get the latest stock price for a ticker symbol.", "ticker"),
        ("convert_currency", "Convert an amount of money from one currency to another.", "amount"),
        ("play_music", "Play a song or playlist on the user's speakers.", "song"),
        ("set_alarm", "Set an alarm clock for a time of day.", "time"),
    ];

    public static string Definition(string name, string description, string parameter) =>
        "{\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"description\":\"" + description + "\",\"parameters\":{\"type\":\"object\",\"properties\":{\"" + parameter + "\":{\"type\":\"string\"}},\"required\":[\"" + parameter + "\"]}}}";

    public static string ToolsJson(int count = 10) => "[" + string.Join(",", Tools.Take(count).Select(t => Definition(t.Name, t.Description, t.Parameter))) + "]";

    public static List<ToolProfile> Profiles() => [.. Tools.Select(t =>
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(Definition(t.Name, t.Description, t.Parameter)));
        return ToolProfileBuilder.Build(document.RootElement, TiktokenTokenCounter.Instance);
    })];

    public static string[] KeptNames(IReadOnlyList<ToolProfile> tools, ToolSelection selection) =>
        [.. tools.Where((_, i) => selection.Kept[i]).Select(t => t.Name)];
}
