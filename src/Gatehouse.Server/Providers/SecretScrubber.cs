using System.Collections.Immutable;
using System.Text;
using System.Text.RegularExpressions;
using Gatehouse.Routing;

namespace Gatehouse.Providers;

/// <summary>
/// Removes credentials from upstream error text before Gatehouse passes it on (the client's error
/// message, an upstream error body it relays or translates, an error event in a stream) or stores it
/// (the record's <c>errorMessage</c> and <c>errorClass</c>, and so executions and logs built from
/// them). An upstream that echoes the credential it was sent (<c>"invalid header: Bearer sk-…"</c>)
/// would otherwise hand the provider's key to every client and to the database.
/// </summary>
/// <remarks>
/// Two passes: every provider secret ever configured in this process (API keys, and header values
/// that are credentials; old ones stay after a reload, since calls in flight used them), replaced
/// exactly; then anything shaped like a credential: <c>Bearer &lt;token&gt;</c>, <c>sk-…</c> keys
/// (OpenAI, Anthropic's <c>sk-ant-…</c>, Gatehouse's own <c>sk-gh-…</c>), and
/// <c>key=…</c> / <c>"api_key": "…"</c> / <c>token=…</c> pairs. The pattern runs on
/// <see cref="RegexOptions.NonBacktracking"/>, linear in the text whatever an upstream sends.
/// Text with nothing to remove is returned as it was (the same instance, byte for byte).
/// </remarks>
internal sealed class SecretScrubber
{
    public const string Redacted = "[redacted]";

    /// <summary>Shorter configured values are not treated as secrets (they would match ordinary words).</summary>
    public const int MinimumSecretLength = 6;

    // Token characters exclude quotes and backslashes, so a match never reaches past a JSON string's end or into an escape.
    private static readonly Regex s_credentialShapes = new(
        """(?<keep>\bBearer\s+)[A-Za-z0-9._~+/=-]{6,}"""
            + """|(?<keep>\bsk-)[A-Za-z0-9_-]{6,}"""
            + """|(?<keep>(?i:\b(?:x-)?(?:api[_-]?key|access[_-]?token|auth[_-]?token|token|key|secret|password))["']?\s*[=:]\s*["']?)[^\s"'\\&,;<>]{6,}""",
        RegexOptions.NonBacktracking | RegexOptions.CultureInvariant | RegexOptions.ExplicitCapture);

    private readonly Lock _gate = new();
    private ImmutableArray<string> _secrets = [];

    public SecretScrubber(RouteTableProvider routes)
    {
        Add(routes.Current.ProviderSecrets);
        routes.Reloaded += table => Add(table.ProviderSecrets);
    }

    /// <summary>A scrubber knowing only <paramref name="secrets"/> (and the credential shapes).</summary>
    internal SecretScrubber(IEnumerable<string> secrets) => Add(secrets);

    /// <summary><paramref name="text"/> without credentials; the same instance when there were none.</summary>
    public string Scrub(string text)
    {
        var scrubbed = text;
        foreach (var secret in _secrets)
        {
            if (scrubbed.Contains(secret, StringComparison.Ordinal))
            {
                scrubbed = scrubbed.Replace(secret, Redacted, StringComparison.Ordinal);
            }
        }

        return s_credentialShapes.IsMatch(scrubbed)
            ? s_credentialShapes.Replace(scrubbed, static match => match.Groups["keep"].Value + Redacted)
            : scrubbed;
    }

    public string? ScrubOrNull(string? text) => text is null ? null : Scrub(text);

    /// <summary>A UTF-8 body without credentials; the same memory, byte for byte, when there were none.</summary>
    public ReadOnlyMemory<byte> Scrub(ReadOnlyMemory<byte> utf8)
    {
        var text = Encoding.UTF8.GetString(utf8.Span);
        var scrubbed = Scrub(text);
        return ReferenceEquals(text, scrubbed) ? utf8 : Encoding.UTF8.GetBytes(scrubbed);
    }

    private void Add(IEnumerable<string> secrets)
    {
        lock (_gate)
        {
            // Longest first, so a secret that contains another is replaced whole.
            _secrets = [.. _secrets.Union(secrets.Where(static s => s.Length >= MinimumSecretLength), StringComparer.Ordinal).OrderByDescending(static s => s.Length)];
        }
    }
}
