using Gatehouse.Gateway;
using Gatehouse.Gateway.Dialects;
using Gatehouse.Providers;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Gatehouse.Executions;

/// <summary>
/// Sends chat completions through the request pipeline in process, as the given caller, exactly as
/// a client calling <c>/v1/chat/completions</c> would: every stage runs (key re-check, record, model
/// access, rate limits, cache, degradation, budgets, routing, resilience) and the call leaves an
/// ordinary request record. Only the transport differs: the request and response are virtual
/// (<see cref="VirtualResponse"/>) and the caller needs no key secret. Embeddings go the same way
/// (the tool prefilter's similarity, <c>Tools/ToolEmbedder</c>).
/// </summary>
internal sealed class PipelineClient(GatewayPipeline pipeline)
{
    /// <summary>Runs the call to its end. Never throws for the call's own failures: they are in the answer (status, record).</summary>
    /// <param name="cancellationToken">Plays the client hanging up: the call stops and is recorded as 499.</param>
    public Task<PipelineAnswer> SendChatAsync(PipelineCall call, CancellationToken cancellationToken) => SendAsync(call, ApiOperation.ChatCompletions, cancellationToken);

    /// <summary>Runs a call of <paramref name="operation"/> (<c>/v1/chat/completions</c> or <c>/v1/embeddings</c>) to its end, as <see cref="SendChatAsync"/>.</summary>
    public async Task<PipelineAnswer> SendAsync(PipelineCall call, ApiOperation operation, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        var headers = new HeaderDictionary
        {
            [HeaderNames.ContentType] = "application/json",
            ContentLength = call.Body.Length,
        };
        foreach (var (name, value) in call.Headers ?? new Dictionary<string, string>())
        {
            headers[name] = value;
        }

        var request = new HttpRequestFeature
        {
            Method = HttpMethods.Post,
            Scheme = "http",
            Protocol = "HTTP/1.1",
            Path = new PathString("/v1/" + operation.RelativePath()),
            Headers = headers,
            Body = new MemoryStream(call.Body, writable: false),
        };
        var captured = new CapturedResponse(call.OnBody);
        var (http, response) = VirtualResponse.CreateContext(request, captured, cancellationToken);
        var inProcess = new InProcessCall(call.Caller);
        http.Features.Set(inProcess);

        await pipeline.InvokeAsync(http, operation, OpenAIChatDialect.Instance);
        await response.CompleteAsync();
        return new PipelineAnswer(captured.StatusCode, captured.Headers, captured.Body, response.BodyAborted, inProcess.Record);
    }
}
