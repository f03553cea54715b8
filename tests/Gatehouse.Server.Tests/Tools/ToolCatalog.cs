using System.Text;
using System.Text.Json;
using Gatehouse.Tools;
using Gatehouse.Usage;

namespace Gatehouse.Tests.Tools;

/// <summary>A small travel-assistant tool set, as OpenAI or Anthropic tool definitions (JSON) and as profiles.</summary>
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

    /// <summary>Twenty more everyday tools, so an Anthropic call can offer thirty.</summary>
    public static readonly (string Name, string Description, string Parameter)[] MoreTools =
    [
        ("get_news_headlines", "Get the latest news headlines on a topic.", "topic"),
        ("order_food", "Order food delivery from a restaurant.", "restaurant"),
        ("book_taxi", "Book a taxi ride to an address.", "address"),
        ("find_recipe", "Find a cooking recipe for a dish.", "dish"),
        ("track_package", "Track a parcel shipment by its tracking number.", "tracking_number"),
        ("set_reminder", "Set a reminder note for later.", "note"),
        ("lookup_definition", "Look up the dictionary definition of a word.", "word"),
        ("calculate_tip", "Calculate the tip for a restaurant bill.", "bill"),
        ("get_sports_scores", "Get live sports scores for a team.", "team"),
        ("rent_car", "Rent a car at a location for given dates.", "location"),
        ("check_traffic", "Check road traffic conditions on a route.", "route"),
        ("get_horoscope", "Get the daily horoscope for a zodiac sign.", "sign"),
        ("create_note", "Create a text note in the notebook.", "text"),
        ("share_photo", "Share a photo with a contact.", "photo"),
        ("get_movie_times", "Get cinema showtimes for a movie.", "movie"),
        ("pay_bill", "Pay a utility bill from the bank account.", "account"),
        ("check_balance", "Check the balance of a bank account.", "account"),
        ("find_pharmacy", "Find a nearby pharmacy that is open.", "area"),
        ("get_air_quality", "Get the air quality index for a city.", "city"),
        ("start_timer", "Start a countdown timer for minutes.", "minutes"),
    ];

    public static string Definition(string name, string description, string parameter) =>
        "{\"type\":\"function\",\"function\":{\"name\":\"" + name + "\",\"description\":\"" + description + "\",\"parameters\":{\"type\":\"object\",\"properties\":{\"" + parameter + "\":{\"type\":\"string\"}},\"required\":[\"" + parameter + "\"]}}}";

    /// <summary>The same tool as an Anthropic definition: <c>{"name","description","input_schema"}</c>.</summary>
    public static string AnthropicDefinition(string name, string description, string parameter) =>
        "{\"name\":\"" + name + "\",\"description\":\"" + description + "\",\"input_schema\":{\"type\":\"object\",\"properties\":{\"" + parameter + "\":{\"type\":\"string\"}},\"required\":[\"" + parameter + "\"]}}";

    /// <summary>The first <paramref name="count"/> of the thirty tools (<see cref="Tools"/>, then <see cref="MoreTools"/>) as an Anthropic <c>tools</c> array.</summary>
    public static string AnthropicToolsJson(int count = 30) =>
        "[" + string.Join(",", Tools.Concat(MoreTools).Take(count).Select(t => AnthropicDefinition(t.Name, t.Description, t.Parameter))) + "]";

    public static string ToolsJson(int count = 10) => "[" + string.Join(",", Tools.Take(count).Select(t => Definition(t.Name, t.Description, t.Parameter))) + "]";

    public static List<ToolProfile> Profiles() => [.. Tools.Select(t =>
    {
        using var document = JsonDocument.Parse(Encoding.UTF8.GetBytes(Definition(t.Name, t.Description, t.Parameter)));
        return ToolProfileBuilder.Build(document.RootElement, TiktokenTokenCounter.Instance);
    })];

    public static string[] KeptNames(IReadOnlyList<ToolProfile> tools, ToolSelection selection) =>
        [.. tools.Where((_, i) => selection.Kept[i]).Select(t => t.Name)];
}
