using Gatehouse.Anthropic.Inbound;
using Gatehouse.OpenAI;
using Gatehouse.Providers;

namespace Gatehouse.Gateway;

internal sealed partial class GatewayContext
{
    /// <summary>Marks the call failed and answers with the error in the client's dialect.</summary>
    public Task RejectAsync(OpenAIError error)
    {
        Fail(error);
        return WriteErrorAsync(error);
    }

    /// <summary>
    /// Answers an upstream failure: held back when another deployment can still be tried and
    /// nothing has reached the client (the forwarding stage then falls back), else sent as an error.
    /// </summary>
    public Task FailUpstreamAsync(UpstreamFailure failure, string message)
    {
        if (CanFallBack && !Http.Response.HasStarted)
        {
            DeferredFailure = (failure, message);
            return Task.CompletedTask;
        }

        return RejectAsync(OpenAIError.Upstream(failure.StatusCode(), message, failure.ErrorClass()));
    }

    /// <summary>Writes an error response in the client's dialect (without touching the outcome).</summary>
    public Task WriteErrorAsync(OpenAIError error) => Dialect switch
    {
        ApiDialect.Anthropic => AnthropicErrorWriter.WriteResponseAsync(Http.Response, ToAnthropic(error), Aborted),
        _ => OpenAIErrorWriter.WriteResponseAsync(Http.Response, error, Aborted),
    };

    public static AnthropicError ToAnthropic(OpenAIError error) =>
        new(error.StatusCode, AnthropicError.TypeForStatus(error.StatusCode), error.Message);
}
