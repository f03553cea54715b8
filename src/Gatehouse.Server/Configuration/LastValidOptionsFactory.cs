using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Gatehouse.Configuration;

/// <summary>
/// Builds <typeparamref name="TOptions"/> like the default factory (bind, post-configure, validate),
/// but once a valid value exists, a reload that does not bind or validate is answered with that last
/// valid value. <see cref="Routing.RouteTableProvider"/> keeps its previous routes on such an edit
/// (and logs it); without this, every reader of <c>IOptionsMonitor&lt;GatehouseOptions&gt;.CurrentValue</c>
/// (body limits, cache, tools, forwarding…) threw <see cref="OptionsValidationException"/>, and every
/// request was a 500 until the file was fixed. At start, with no valid value yet, it throws as before.
/// </summary>
internal sealed class LastValidOptionsFactory<TOptions>(IOptionsFactory<TOptions> inner) : IOptionsFactory<TOptions>
    where TOptions : class
{
    private readonly ConcurrentDictionary<string, TOptions> _lastValid = new(StringComparer.Ordinal);

    public TOptions Create(string name)
    {
        try
        {
            var options = inner.Create(name);
            _lastValid[name] = options;
            return options;
        }
        catch (Exception ex) when (ex is OptionsValidationException or GatehouseConfigurationException && _lastValid.TryGetValue(name, out var last))
        {
            return last;
        }
    }
}
