using Gatehouse.Configuration;
using Gatehouse.Routing;

namespace Gatehouse.ModelCatalog;

/// <summary>
/// Where a page of <c>/api/models</c> ended, as <c>kind:id</c> (<c>chat:sim-small</c>): a position in
/// <see cref="RouteTable.Listed"/>'s order (kind, then name), so it needs no model to still exist.
/// </summary>
internal readonly record struct ModelCursor(ModelKind Kind, string Id)
{
    public static string Encode(ModelInfo last) => last.Kind + ":" + last.Id;

    public static bool TryDecode(string cursor, out ModelCursor position)
    {
        var colon = cursor.IndexOf(':', StringComparison.Ordinal);
        position = default;
        if (colon <= 0 || colon == cursor.Length - 1)
        {
            return false;
        }

        ModelKind? kind = cursor[..colon] switch
        {
            "chat" => ModelKind.Chat,
            "embedding" => ModelKind.Embedding,
            _ => null,
        };
        if (kind is null)
        {
            return false;
        }

        position = new ModelCursor(kind.Value, cursor[(colon + 1)..]);
        return true;
    }

    /// <summary>Negative when this position comes before <paramref name="route"/> in the listing, 0 at it, positive after it.</summary>
    public int CompareTo(ModelRoute route)
    {
        var byKind = Kind.CompareTo(route.Kind);
        return byKind != 0 ? byKind : string.CompareOrdinal(Id, route.PublicName);
    }
}
