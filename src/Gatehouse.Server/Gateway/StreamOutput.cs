using System.IO.Pipelines;

namespace Gatehouse.Gateway;

/// <summary>
/// Where a relayed stream goes. Nothing is sent until the first event is written: only then are
/// the status and headers set (so an earlier failure can still be an ordinary error response).
/// When the client's dialect translates answers (<see cref="GatewayContext.AnswerTranslated"/>) the
/// OpenAI events go through a pipe into the dialect's translator, and a pump copies its events to
/// the client as they come out.
/// </summary>
/// <param name="estimatedInputTokens">The prompt's tokenizer count, for a translator that reports it before the upstream's usage.</param>
internal sealed class StreamOutput(GatewayContext context, HttpResponseMessage upstream, int estimatedInputTokens) : IAsyncDisposable
{
    private Pipe? _pipe;
    private Task? _pump;
    private PipeWriter? _writer;

    public bool Started => _writer is not null;

    public PipeWriter Writer => _writer ??= Start();

    /// <summary>Ends the output: for a translated stream, waits until the translator has sent everything.</summary>
    public async Task CompleteAsync()
    {
        if (_pipe is null)
        {
            return;
        }

        await _pipe.Writer.CompleteAsync();
        await _pump!;
        _pipe = null;
    }

    public async ValueTask DisposeAsync() => await CompleteAsync();

    private PipeWriter Start()
    {
        var response = context.Http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        UpstreamHeaders.CopyTo(upstream, response);
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        if (!context.AnswerTranslated)
        {
            return response.BodyWriter;
        }

        _pipe = new Pipe();
        _pump = PumpAsync(context.Call.Dialect.TranslateStream(_pipe.Reader.AsStream(), context.Call, estimatedInputTokens), response, context.Aborted);
        return _pipe.Writer;
    }

    private static async Task PumpAsync(Stream translated, HttpResponse response, CancellationToken cancellationToken)
    {
        await using (translated)
        {
            var buffer = new byte[16 * 1024];
            int read;
            while ((read = await translated.ReadAsync(buffer, cancellationToken)) > 0)
            {
                await response.Body.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                await response.Body.FlushAsync(cancellationToken);
            }
        }
    }
}
