using Gatehouse.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Gatehouse.Routing;

/// <summary>
/// Holds the current <see cref="RouteTable"/> and rebuilds it when configuration changes. An invalid
/// change is logged and ignored, so a typo in a live file never takes the gateway down.
/// </summary>
internal sealed partial class RouteTableProvider : IDisposable
{
    private readonly IConfiguration _configuration;
    private readonly RouteTableBuilder _builder;
    private readonly ILogger<RouteTableProvider> _logger;
    private readonly IDisposable _subscription;
    private volatile RouteTable _current;

    /// <exception cref="OptionsValidationException">The configuration at start is invalid.</exception>
    public RouteTableProvider(IConfiguration configuration, RouteTableBuilder builder, ILogger<RouteTableProvider> logger)
    {
        _configuration = configuration;
        _builder = builder;
        _logger = logger;
        _current = _builder.Build(GatehouseOptionsBinder.Bind(configuration));
        _subscription = ChangeToken.OnChange(configuration.GetReloadToken, Reload);
    }

    public RouteTable Current => _current;

    /// <summary>Raised after a new table is in place.</summary>
    public event Action<RouteTable>? Reloaded;

    private void Reload()
    {
        try
        {
            _current = _builder.Build(GatehouseOptionsBinder.Bind(_configuration));
            LogReloaded(_current.Routes.Count);
            Reloaded?.Invoke(_current);
        }
        catch (OptionsValidationException ex)
        {
            LogReloadRejected(ex.Message);
        }
        catch (GatehouseConfigurationException ex)
        {
            LogReloadRejected(ex.Message);
        }
    }

    public void Dispose() => _subscription.Dispose();

    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Configuration reloaded: {ModelCount} models.")]
    private partial void LogReloaded(int modelCount);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Configuration change rejected, keeping the previous routes: {Reason}")]
    private partial void LogReloadRejected(string reason);
}
