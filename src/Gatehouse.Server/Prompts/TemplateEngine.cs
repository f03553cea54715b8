using HandlebarsDotNet;

namespace Gatehouse.Prompts;

/// <summary>
/// The one Handlebars environment prompts compile in: HTML escaping off (prompts are not HTML),
/// values written as text by <see cref="TemplateValueFormatter"/>, no custom helpers or partials.
/// A compiled template never parses its data: a value containing <c>{{x}}</c> is written as those
/// characters, so inputs cannot inject template syntax.
/// </summary>
internal static class TemplateEngine
{
    /// <summary>The helpers Handlebars itself provides; templates may use nothing else.</summary>
    public static readonly IReadOnlySet<string> BuiltInHelpers = new HashSet<string>(StringComparer.Ordinal) { "if", "unless", "each", "with", "lookup", "log" };

    private static readonly IHandlebars s_environment = CreateEnvironment();

    /// <summary>Compiles one template; a syntax error comes back as its message instead of the delegate.</summary>
    public static (HandlebarsTemplate<object, object>? Template, string? Error) Compile(string source)
    {
        try
        {
            return (s_environment.Compile(source), null);
        }
        catch (Exception ex) when (ex is HandlebarsException or InvalidOperationException or ArgumentException)
        {
            // Handlebars.Net reports some malformed blocks ({{#each}} without a value) as plain InvalidOperationException.
            return (null, Describe(ex));
        }
    }

    public static string Describe(Exception ex)
    {
        var message = ex.Message.ReplaceLineEndings(" ").Trim();
        while (message.Contains("  ", StringComparison.Ordinal))
        {
            message = message.Replace("  ", " ", StringComparison.Ordinal);
        }

        return message;
    }

    private static IHandlebars CreateEnvironment()
    {
        var environment = Handlebars.Create(new HandlebarsConfiguration { NoEscape = true });
        environment.Configuration.FormatterProviders.Add(new TemplateValueFormatter());
        return environment;
    }
}
