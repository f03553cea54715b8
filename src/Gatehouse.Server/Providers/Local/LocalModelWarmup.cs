using System.Diagnostics;
using Gatehouse.Configuration;
using Microsoft.Extensions.Options;

namespace Gatehouse.Providers.Local;

/// <summary>
/// Loads the in-process model that <c>Tools:EmbeddingModel</c> names as soon as the server starts
/// (and when a reload names one), in the background. Loading takes seconds; left to the first
/// prefiltered call it would run past <c>Tools:EmbeddingTimeoutMs</c>, and the first calls after a
/// start would be ranked lexically. Start-up does not wait for it.
/// </summary>
internal sealed partial class LocalModelWarmup(LocalEmbeddingModels models, IOptionsMonitor<GatehouseOptions> options, ILogger<LocalModelWarmup> logger) : IHostedService, IDisposable
{
    private IDisposable? _subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Warm(options.CurrentValue);
        _subscription = options.OnChange(Warm);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public void Dispose() => _subscription?.Dispose();

    /// <summary>The local models behind the tool prefilter's embedding alias.</summary>
    internal static IEnumerable<string> ModelsToWarm(GatehouseOptions options) =>
        AliasDeployments.Of(options, options.Tools.EmbeddingModel)
            .Where(static d => d.Type == ProviderType.Local && LocalEmbeddingModels.IsKnown(d.Model))
            .Select(static d => d.Model)
            .Distinct(StringComparer.OrdinalIgnoreCase);

    private void Warm(GatehouseOptions current)
    {
        foreach (var model in ModelsToWarm(current))
        {
            _ = Task.Run(() =>
            {
                var started = Stopwatch.GetTimestamp();
                try
                {
                    models.Get(model);
                    var elapsedMs = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                    LogReady(logger, model, elapsedMs);
                }
                catch (Exception e)
                {
                    LogFailed(logger, e, model);
                }
            });
        }
    }

    [LoggerMessage(EventId = 1811, Level = LogLevel.Information, Message = "Local model {Model} is ready for tool prefiltering ({ElapsedMs} ms).")]
    private static partial void LogReady(ILogger logger, string model, long elapsedMs);

    [LoggerMessage(EventId = 1812, Level = LogLevel.Error, Message = "Local model {Model} could not be loaded; tool prefiltering will rank lexically while it fails.")]
    private static partial void LogFailed(ILogger logger, Exception exception, string model);
}
