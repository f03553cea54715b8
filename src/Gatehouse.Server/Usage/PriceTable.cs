using System.Diagnostics.CodeAnalysis;

namespace Gatehouse.Usage;

/// <summary>
/// Per-token prices by model name. The default table is the LiteLLM snapshot embedded in this
/// assembly (see <c>Usage/Data/ATTRIBUTION.md</c>); it is parsed once per process.
/// Immutable and safe to share across threads.
/// </summary>
internal sealed partial class PriceTable
{
    internal const string EmbeddedResourceName = "Gatehouse.Usage.model_prices.json";

    private static readonly Lazy<PriceTable> s_embedded = new(LoadEmbeddedCore, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Dictionary<string, ModelPrice> _exact;
    private readonly Dictionary<string, ModelPrice> _ignoreCase;

    internal PriceTable(IEnumerable<KeyValuePair<string, ModelPrice>> prices, string? snapshotDate = null)
    {
        ArgumentNullException.ThrowIfNull(prices);
        _exact = new Dictionary<string, ModelPrice>(StringComparer.Ordinal);
        _ignoreCase = new Dictionary<string, ModelPrice>(StringComparer.OrdinalIgnoreCase);
        foreach (var (model, price) in prices)
        {
            _exact[model] = price;
            // First spelling wins when two keys differ only by case (the snapshot has one such pair).
            _ignoreCase.TryAdd(model, price);
        }

        SnapshotDate = snapshotDate;
    }

    /// <summary>Model names exactly as the table spells them.</summary>
    public IReadOnlyCollection<string> Models => _exact.Keys;

    /// <summary>The table's <c>last_updated</c> stamp, when it has one.</summary>
    public string? SnapshotDate { get; }

    /// <summary>The price table shipped with Gatehouse, parsed on first use and then shared.</summary>
    public static PriceTable LoadEmbedded() => s_embedded.Value;

    /// <summary>
    /// Finds a model's price: the exact key first, then the key ignoring case, then the same two
    /// with leading <c>provider/</c> segments removed one at a time
    /// (<c>openrouter/openai/gpt-4o</c> → <c>openai/gpt-4o</c> → <c>gpt-4o</c>).
    /// </summary>
    public bool TryGet(string model, [NotNullWhen(true)] out ModelPrice? price)
    {
        ArgumentNullException.ThrowIfNull(model);
        var candidate = model.AsSpan();
        var exact = _exact.GetAlternateLookup<ReadOnlySpan<char>>();
        var ignoreCase = _ignoreCase.GetAlternateLookup<ReadOnlySpan<char>>();
        while (true)
        {
            if (exact.TryGetValue(candidate, out price) || ignoreCase.TryGetValue(candidate, out price))
            {
                return true;
            }

            var slash = candidate.IndexOf('/');
            if (slash < 0 || slash == candidate.Length - 1)
            {
                price = null;
                return false;
            }

            candidate = candidate[(slash + 1)..];
        }
    }

    /// <summary>
    /// A copy of this table with configured prices applied: an override for a known model
    /// replaces only the fields it sets; an override for an unknown model adds it. The base price is
    /// found with <see cref="TryGet"/>, so an override keyed <c>azure/gpt-4o</c> starts from <c>gpt-4o</c>.
    /// </summary>
    public PriceTable WithOverrides(IEnumerable<KeyValuePair<string, PriceOverride>> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var merged = new Dictionary<string, ModelPrice>(_exact, StringComparer.Ordinal);
        foreach (var (model, priceOverride) in overrides)
        {
            TryGet(model, out var basePrice);
            merged[model] = priceOverride.ApplyTo(basePrice, model);
        }

        return new PriceTable(merged, SnapshotDate);
    }

    private static PriceTable LoadEmbeddedCore()
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream(EmbeddedResourceName)
            ?? throw new InvalidOperationException($"Embedded resource '{EmbeddedResourceName}' is missing from {typeof(PriceTable).Assembly.GetName().Name}.");
        return Load(stream);
    }
}
