using System.Collections.Frozen;
using System.Text;

namespace Gatehouse.Routing;

/// <summary>An immutable snapshot of the model aliases. A configuration reload swaps in a whole new table.</summary>
internal sealed class RouteTable
{
    private readonly FrozenDictionary<string, ModelRoute> _routes;
    private readonly FrozenDictionary<string, ModelRoute>.AlternateLookup<ReadOnlySpan<char>> _spanLookup;

    public RouteTable(IEnumerable<ModelRoute> routes, IReadOnlyList<string>? providerSecrets = null)
    {
        ProviderSecrets = providerSecrets ?? [];
        _routes = routes.ToFrozenDictionary(r => r.PublicName, StringComparer.Ordinal);
        _spanLookup = _routes.GetAlternateLookup<ReadOnlySpan<char>>();
        Listed = [.. _routes.Values.OrderBy(static r => r.Kind).ThenBy(static r => r.PublicName, StringComparer.Ordinal)];
    }

    public IReadOnlyCollection<ModelRoute> Routes => _routes.Values;

    /// <summary>
    /// The order models are listed in (<c>/v1/models</c>, <c>/api/models</c>): chat models first, since
    /// clients that offer a choice tend to take the first, then embedding models; by name within each.
    /// </summary>
    public IReadOnlyList<ModelRoute> Listed { get; }

    /// <summary>The credentials the providers send upstream (API keys, credential headers), resolved; for <see cref="Providers.SecretScrubber"/>.</summary>
    public IReadOnlyList<string> ProviderSecrets { get; }

    public bool TryGet(string model, out ModelRoute route) => _routes.TryGetValue(model, out route!);

    /// <summary>Looks a model up by its UTF-8 bytes without allocating a string on the hot path.</summary>
    public bool TryGet(ReadOnlySpan<byte> utf8Model, out ModelRoute route)
    {
        if (utf8Model.Length > 256)
        {
            route = null!;
            return false;
        }

        Span<char> chars = stackalloc char[utf8Model.Length];
        var length = Encoding.UTF8.GetChars(utf8Model, chars);
        return _spanLookup.TryGetValue(chars[..length], out route!);
    }
}
