using Gatehouse.Configuration;
using Microsoft.Extensions.Options;

namespace Gatehouse.Benchmarks.Tools;

/// <summary>Options that never change, for gateway types the benchmarks build by hand (no host, no configuration reload).</summary>
internal sealed class FixedOptionsMonitor(GatehouseOptions options) : IOptionsMonitor<GatehouseOptions>
{
    public FixedOptionsMonitor()
        : this(new GatehouseOptions())
    {
    }

    public GatehouseOptions CurrentValue { get; } = options;

    public GatehouseOptions Get(string? name) => CurrentValue;

    public IDisposable? OnChange(Action<GatehouseOptions, string?> listener) => null;
}
