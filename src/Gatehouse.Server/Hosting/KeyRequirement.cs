namespace Gatehouse.Hosting;

/// <summary>Endpoint metadata: the endpoint needs a valid key, or the admin key (see <see cref="CallerAccess"/>).</summary>
internal sealed class KeyRequirement
{
    public static readonly KeyRequirement AnyKey = new(adminOnly: false);

    public static readonly KeyRequirement Admin = new(adminOnly: true);

    private KeyRequirement(bool adminOnly) => AdminOnly = adminOnly;

    public bool AdminOnly { get; }

    /// <summary>The strictest requirement on <paramref name="endpoint"/> (a group's and the endpoint's own both count); null when it has none.</summary>
    public static KeyRequirement? Of(Endpoint? endpoint)
    {
        var all = endpoint?.Metadata.GetOrderedMetadata<KeyRequirement>();
        if (all is null or { Count: 0 })
        {
            return null;
        }

        return all.Any(static r => r.AdminOnly) ? Admin : AnyKey;
    }
}
