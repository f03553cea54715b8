using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gatehouse.Anthropic.Upstream;

/// <summary>Writer settings shared by the translators.</summary>
internal static class AnthropicJson
{
    /// <summary>
    /// The bodies are API JSON, never embedded in HTML: quotes, apostrophes and non-ASCII text are
    /// written as themselves (like OpenAI and Anthropic do), not as <c>\u0022</c> escapes.
    /// </summary>
    public static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
