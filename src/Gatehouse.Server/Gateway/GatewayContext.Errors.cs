using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Resilience;

namespace Gatehouse.Gateway;

internal sealed partial class GatewayContext
{
    /// <summary>Marks the call failed and answers with the error in the client's dialect.</summary>
    public Task RejectAsync(OpenAIError error)
    {
        Outcome.Fail(error);
        return WriteErrorAsync(error);
    }

    /// <summary>
    /// The current attempt failed upstream. While nothing has reached the client the failure is the
    /// attempt's result, returned for the forwarding stage to retry, fall back on, or finally answer
    /// with (<see cref="AnswerWithAsync"/>); once the response has started it is answered here as
    /// an error, and the attempt's result is null (it answered: nothing can be tried again).
    /// </summary>
    public Task<AttemptFailure?> AttemptFailedAsync(UpstreamFailure failure, string message, TimeSpan? retryAfter = null, PassOnResponse? passOn = null)
    {
        if (!Http.Response.HasStarted)
        {
            return Task.FromResult<AttemptFailure?>(new AttemptFailure(failure, message, retryAfter, passOn));
        }

        return AnswerStartedAsync(this, OpenAIError.Upstream(failure.StatusCode(), message, failure.ErrorClass()));

        static async Task<AttemptFailure?> AnswerStartedAsync(GatewayContext context, OpenAIError error)
        {
            await context.RejectAsync(error);
            return null;
        }
    }

    /// <summary>Answers with the last attempt's failure once no retry or fallback is left.</summary>
    public async Task AnswerWithAsync(AttemptFailure failure)
    {
        var response = Http.Response;
        if (failure.RetryAfter is { } retryAfter)
        {
            response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        failure.RateLimit?.WriteTo(response.Headers);

        if (failure.PassOn is not { } passOn)
        {
            await RejectAsync(OpenAIError.Upstream(failure.Failure.StatusCode(), failure.Message, failure.Failure.ErrorClass()));
            return;
        }

        // The upstream's own words, already in the client's dialect.
        Outcome.Fail(passOn.StatusCode, failure.Failure.ErrorClass(), failure.Message);
        response.StatusCode = passOn.StatusCode;
        response.ContentType = passOn.ContentType ?? "application/json";
        response.ContentLength = passOn.Body.Length;
        await response.Body.WriteAsync(passOn.Body, Aborted);
    }

    /// <summary>Writes an error response in the client's dialect (without touching the outcome).</summary>
    public Task WriteErrorAsync(OpenAIError error) => Call.Dialect.WriteErrorAsync(Http.Response, error, Aborted);
}
