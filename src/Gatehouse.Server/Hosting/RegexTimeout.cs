using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;

namespace Gatehouse.Hosting;

/// <summary>
/// A match timeout for every regular expression in the process that sets none of its own, so no
/// pattern can take a core: JSON Schema <c>pattern</c>s (JsonSchema.Net builds them without a
/// timeout) are written by API callers and matched against model output, and a pattern such as
/// <c>^(a+)+$</c> backtracks exponentially. Gatehouse's own patterns are anchored and linear; the
/// tokenizer's sets its own timeout. .NET reads the default once, when <see cref="Regex"/> is
/// first used, so it is set in this assembly's module initializer (before <c>Main</c>, in the server).
/// </summary>
internal static class RegexTimeout
{
    /// <summary>The default match timeout: far above what a linear pattern needs on a request-sized text.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(1);

    private const string Key = "REGEX_DEFAULT_MATCH_TIMEOUT";

#pragma warning disable CA2255 // The server is an application: this runs before Main and before any Regex is used.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply()
    {
        if (AppContext.GetData(Key) is null)
        {
            AppContext.SetData(Key, Default);
        }
    }
}
