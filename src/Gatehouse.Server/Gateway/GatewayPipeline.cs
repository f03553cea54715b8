using Gatehouse.Gateway.Dialects;
using Gatehouse.Providers;

namespace Gatehouse.Gateway;

/// <summary>Composes the stages once, outermost first, and runs each <c>/v1/*</c> call through them.</summary>
internal sealed class GatewayPipeline
{
    private readonly GatewayDelegate _entry;
    private readonly TimeProvider _timeProvider;

    public GatewayPipeline(IEnumerable<IGatewayStage> stages, TimeProvider timeProvider)
    {
        _timeProvider = timeProvider;
        GatewayDelegate next = static _ => Task.CompletedTask;
        foreach (var stage in stages.Reverse())
        {
            var inner = next;
            next = context => stage.InvokeAsync(context, inner);
        }

        _entry = next;
    }

    public Task InvokeAsync(HttpContext http, ApiOperation operation, ClientDialect dialect) =>
        _entry(new GatewayContext(http, operation, dialect, Guid.CreateVersion7(), _timeProvider.GetTimestamp()));
}
