using System.Text;
using System.Text.Json;
using Gatehouse.Gateway.Dialects;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Resilience;

namespace Gatehouse.Gateway;

/// <summary>
/// Relays a non-streamed upstream answer: the body goes to the client byte for byte (unknown
/// fields included), with Gatehouse's usage and cost headers added. Upstream errors are classified:
/// one another deployment may still answer is the attempt's result (an <see cref="AttemptFailure"/>,
/// nothing written), null when the client was answered.
/// </summary>
internal sealed class ResponseRelay(UsageMeter meter, SecretScrubber scrubber)
{
    /// <summary>Bodies larger than this are not plausible OpenAI answers; refusing them bounds memory.</summary>
    private const int MaxResponseBytes = 64 * 1024 * 1024;

    public async Task<AttemptFailure?> RelayAsync(GatewayContext context, HttpResponseMessage upstream, CancellationToken cancellationToken)
    {
        PooledBody? body;
        try
        {
            body = await ReadAllAsync(upstream, cancellationToken);
        }
        catch (OperationCanceledException) when (!context.Aborted.IsCancellationRequested)
        {
            return await context.AttemptFailedAsync(UpstreamFailure.Timeout, "The upstream did not finish its answer within the deployment's timeout.");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException)
        {
            return await context.AttemptFailedAsync(UpstreamFailure.ConnectionFailed, $"The upstream connection broke while reading the answer: {scrubber.Scrub(ex.Message)}");
        }

        if (body is null)
        {
            return await context.AttemptFailedAsync(UpstreamFailure.MalformedResponse, $"The upstream answer is larger than {MaxResponseBytes} bytes.");
        }

        using (body)
        {
            var status = (int)upstream.StatusCode;
            return upstream.IsSuccessStatusCode
                ? await RelaySuccessAsync(context, upstream, body)
                : await RelayErrorAsync(context, upstream, status, body);
        }
    }

    private async Task<AttemptFailure?> RelaySuccessAsync(GatewayContext context, HttpResponseMessage upstream, PooledBody body)
    {
        var json = body.Memory.Span;
        if (!SseEvents.IsCompleteJson(json))
        {
            return await context.AttemptFailedAsync(UpstreamFailure.MalformedResponse, "The upstream answered with a body that is not valid JSON.");
        }

        var usage = default(Usage.TokenUsage);
        var tier = Usage.PriceTier.Standard;
        if (context.NativePassthrough)
        {
            usage = context.NativeUpstream!.ReadUsage(json);
        }
        else if (!OpenAIUsageReader.TryRead(json, out usage, out tier))
        {
            var text = new StringBuilder();
            OpenAIUsageReader.AppendGeneratedText(json, text);
            usage = meter.Estimate(context, text.ToString());
        }

        UsageMeter.Settle(context, usage, tier);
        return await WriteAsync(context, upstream, (int)upstream.StatusCode, body);
    }

    private async Task<AttemptFailure?> RelayErrorAsync(GatewayContext context, HttpResponseMessage upstream, int status, PooledBody upstreamBody)
    {
        // Whatever is read, relayed, translated or stored from here on is free of credentials the upstream echoed.
        var scrubbed = scrubber.Scrub(upstreamBody.Memory);
        using var clean = scrubbed.Equals(upstreamBody.Memory) ? null : PooledBody.Unpooled(scrubbed);
        var body = clean ?? upstreamBody;
        var (message, code) = UpstreamErrorReader.Read(body.Memory.Span);
        var failure = status switch
        {
            StatusCodes.Status429TooManyRequests => UpstreamFailure.RateLimited,
            StatusCodes.Status401Unauthorized => UpstreamFailure.AuthenticationFailed,
            StatusCodes.Status503ServiceUnavailable or 529 => UpstreamFailure.Overloaded,
            >= 500 => UpstreamFailure.ServerError,
            _ => (UpstreamFailure?)null,
        };

        if (failure is null && FailureClassification.ClassifyRefusal(status, code, message) is { } refusal && context.HasChainFor(refusal))
        {
            // The alias has a dedicated chain for this refusal: hold it back (passed on unchanged if the chain fails too).
            var original = !context.AnswerTranslated
                ? new PassOnResponse(status, body.Memory.ToArray(), upstream.Content.Headers.ContentType?.ToString())
                : null;
            return await context.AttemptFailedAsync(refusal, message ?? $"The upstream refused the request ({status}).", passOn: original);
        }

        if (failure is not { } held)
        {
            // A 4xx about the request: answered at once, in the upstream's own words, never retried or sent elsewhere.
            context.Outcome.Fail(status, code ?? "upstream_rejected", message);
            return await WriteAsync(context, upstream, status, body);
        }

        // Retryable or worth a fallback: held back. If nothing else answers, a 429 (or any error of an
        // upstream that speaks the client's own dialect) is passed on unchanged; a 5xx becomes 502/503,
        // and a 401 never reaches the client (its SDK would blame the client's key, which was fine).
        var speaksClientDialect = !context.AnswerTranslated;
        var passOn = held != UpstreamFailure.AuthenticationFailed && (held == UpstreamFailure.RateLimited || context.NativePassthrough) && speaksClientDialect
            ? new PassOnResponse(status, body.Memory.ToArray(), upstream.Content.Headers.ContentType?.ToString())
            : null;
        var description = held == UpstreamFailure.AuthenticationFailed
            ? $"The upstream rejected Gatehouse's credentials for provider '{context.Outcome.Deployment!.Provider.Name}' ({status})."
            : $"The upstream failed with {status}: {message ?? "no message"}";
        return await context.AttemptFailedAsync(held, description, RetryAfterOf(upstream), passOn);
    }

    /// <summary>The upstream's <c>Retry-After</c> (seconds or a date) as a delay from now.</summary>
    private static TimeSpan? RetryAfterOf(HttpResponseMessage upstream) => upstream.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is { } left && left > TimeSpan.Zero ? left : TimeSpan.Zero,
        _ => null,
    };

    /// <summary>Writes the answer (or a 4xx in the upstream's words) in the client's dialect; null, or the failure when the answer cannot be translated.</summary>
    private static async Task<AttemptFailure?> WriteAsync(GatewayContext context, HttpResponseMessage upstream, int status, PooledBody body)
    {
        var response = context.Http.Response;
        UpstreamHeaders.CopyTo(upstream, response);
        if (context.Outcome.ErrorClass is null)
        {
            UsageMeter.WriteHeaders(context);
        }

        return context.NativePassthrough
            ? await ClientDialect.WriteAsIsAsync(context, status, body)
            : await context.Call.Dialect.WriteAnswerAsync(context, status, body);
    }

    private static async Task<PooledBody?> ReadAllAsync(HttpResponseMessage upstream, CancellationToken cancellationToken)
    {
        await using var stream = await upstream.Content.ReadAsStreamAsync(cancellationToken);
        return await PooledBody.ReadAsync(stream, upstream.Content.Headers.ContentLength, MaxResponseBytes, cancellationToken);
    }
}
