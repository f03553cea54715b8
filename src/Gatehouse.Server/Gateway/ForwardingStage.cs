using Gatehouse.OpenAI;
using Gatehouse.Providers;

namespace Gatehouse.Gateway;

/// <summary>
/// Sends the rewritten body to the deployment's provider and relays the answer: whole for plain
/// calls, event by event for streams. Failures before the first byte become ordinary errors.
/// An Anthropic-dialect call to a provider that speaks Anthropic natively skips translation: the
/// client's own body goes up (model renamed) and the answer comes back as Anthropic sent it.
/// </summary>
internal sealed class ForwardingStage(ResponseRelay relay, StreamRelay streamRelay) : IGatewayStage
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var deployment = context.Deployment!;
        context.NativePassthrough = context.ClientBody is not null && deployment.Provider is IAnthropicNativeProvider;
        using var upstreamBody = context.NativePassthrough
            ? RequestRewriter.RewriteModel(context.ClientBody!.Memory.Span, deployment.UpstreamModelJson)
            : RequestRewriter.Rewrite(context.Body!.Memory.Span, context.Request!, deployment.UpstreamModelJson);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.Aborted);
        timeout.CancelAfter(deployment.Timeout);

        HttpResponseMessage response;
        try
        {
            response = context.NativePassthrough
                ? await ((IAnthropicNativeProvider)deployment.Provider).SendNativeAsync(upstreamBody!.Memory, context.Http.Request.Headers, timeout.Token)
                : await deployment.Provider.SendAsync(
                    new ProviderRequest(context.Operation, deployment.UpstreamModel, upstreamBody!.Memory, context.Http.Request.Headers), timeout.Token);
        }
        catch (OperationCanceledException) when (!context.Aborted.IsCancellationRequested)
        {
            await FailAsync(context, UpstreamFailure.Timeout, $"The upstream did not answer within {deployment.Timeout.TotalSeconds:0.###} s.");
            return;
        }
        catch (HttpRequestException ex)
        {
            await FailAsync(context, UpstreamFailure.ConnectionFailed, $"Could not reach the upstream: {ex.Message}");
            return;
        }

        using (response)
        {
            if (context.Request!.Stream && response.IsSuccessStatusCode)
            {
                await streamRelay.RelayAsync(context, response, timeout.Token);
            }
            else
            {
                await relay.RelayAsync(context, response, timeout.Token);
            }
        }

        await next(context);
    }

    private static Task FailAsync(GatewayContext context, UpstreamFailure failure, string message)
    {
        return context.RejectAsync(OpenAIError.Upstream(failure.StatusCode(), message, failure.ErrorClass()));
    }
}
