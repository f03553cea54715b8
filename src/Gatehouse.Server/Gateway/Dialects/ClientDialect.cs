using Gatehouse.Hosting;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Resilience;
using Gatehouse.Tools;

namespace Gatehouse.Gateway.Dialects;

/// <summary>
/// The API shape a client called, as one object chosen at its endpoint and carried on the call
/// (<see cref="CallRequest.Dialect"/>). The pipeline works in OpenAI's chat format inside; the dialect
/// owns every decision that depends on what the client speaks: how its body becomes an OpenAI body on
/// the way in, how answers and errors look on the way out, where its tools are read and narrowed, and
/// (<see cref="Native"/>) how a provider that speaks the dialect itself is called and read. A new API
/// shape is one new subclass and one endpoint that passes it in.
/// </summary>
internal abstract class ClientDialect(string name, params byte[][] streamEndMarkers)
{
    /// <summary>The dialect in the response cache's key: renaming it would orphan every stored answer.</summary>
    public string Name { get; } = name;

    /// <summary>The lines that end a whole answer's stream in this dialect: after one, SDKs hand the answer over (see <see cref="AnswerCompletionGate"/>).</summary>
    public ReadOnlyMemory<byte>[] StreamEndMarkers { get; } = [.. streamEndMarkers.Select(static m => new ReadOnlyMemory<byte>(m))];

    /// <summary>The provider side of native passthrough, when some providers speak this dialect themselves; null when every call is translated.</summary>
    public virtual NativeUpstream? Native => null;

    /// <summary>The record's <c>endpoint</c>: what the client called.</summary>
    public abstract string EndpointName(ApiOperation operation);

    /// <summary>The path the client called, as errors name it (<c>/v1/messages</c>).</summary>
    public abstract string Path(ApiOperation operation);

    /// <summary>Writes an error response in this dialect's shape.</summary>
    public abstract Task WriteErrorAsync(HttpResponse response, OpenAIError error, CancellationToken cancellationToken);

    // The way in.

    /// <summary>Answers (and records) a body whose text is not sound JSON (<see cref="RequestJson.FindTextError"/>), in this dialect's words.</summary>
    public abstract Task RejectUnsoundTextAsync(GatewayContext context, string textError);

    /// <summary>
    /// The client's body as an OpenAI body: <paramref name="body"/> itself when the client speaks
    /// OpenAI's format, else a new body the caller disposes. Null when the request was refused (and answered).
    /// </summary>
    public abstract Task<PooledBody?> ToOpenAIBodyAsync(GatewayContext context, PooledBody body);

    // The way out.

    /// <summary>True when an OpenAI answer must be translated for the client (unless it came from a native upstream).</summary>
    public abstract bool TranslatesAnswers { get; }

    /// <summary>Writes a non-streamed OpenAI answer (or an upstream's OpenAI error, <paramref name="status"/> not 2xx) for the client; the failure when it cannot be.</summary>
    public abstract Task<AttemptFailure?> WriteAnswerAsync(GatewayContext context, int status, PooledBody body);

    /// <summary>True when this dialect's translated streams report the prompt's tokens before the upstream's usage exists (Anthropic's <c>message_start</c>), so they are counted first.</summary>
    public virtual bool StreamStartsWithInputTokens => false;

    /// <summary>The client's stream, read from the OpenAI stream <paramref name="openAIEvents"/>.</summary>
    /// <param name="estimatedInputTokens">The prompt's tokens as the tokenizer counted them, for a dialect that reports them before the upstream's usage exists.</param>
    public abstract Stream TranslateStream(Stream openAIEvents, CallRequest call, int estimatedInputTokens);

    // Tool prefiltering (docs/tools.md): tools are read and narrowed in the client's own body, so
    // a native upstream receives them narrowed too, and the model's answer is searched as the client gets it.

    /// <summary>The body the call's tools are read from and narrowed in (the byte ranges of its <see cref="ToolRequest"/> point into it).</summary>
    public abstract PooledBody? ToolBody(CallRequest call);

    public abstract ToolRequest? ReadTools(ReadOnlySpan<byte> toolBody, ToolProfileCache profiles, CancellationToken cancellationToken);

    /// <summary>The search function in this dialect's tool shape, and its tokens.</summary>
    public abstract (byte[] Json, int Tokens) SearchTool(ToolPrefilter.Compiled compiled);

    /// <summary>The request of one round: <see cref="ToolBody"/> with only the <paramref name="sent"/> tools (and <paramref name="searchTool"/>, last).</summary>
    public abstract ToolRoundBody NarrowTools(CallRequest call, ToolRequest request, bool[] sent, byte[]? searchTool);

    /// <summary>Watches a streamed answer, as the client gets it, for a call of the search function.</summary>
    public abstract SearchCallReader.StreamWatcher SearchWatcher(string searchName, bool wholeAnswer);

    /// <summary>The query of a search call in a whole answer, as the client gets it; null when the answer is not one.</summary>
    public abstract string? FindSearchCall(ReadOnlySpan<byte> answer, string searchName);

    /// <summary>Writes <paramref name="body"/> to the client as it is.</summary>
    public static async Task<AttemptFailure?> WriteAsIsAsync(GatewayContext context, int status, PooledBody body)
    {
        var response = context.Http.Response;
        response.StatusCode = status;
        response.ContentLength = body.Length;
        await response.Body.WriteAsync(body.Memory, context.Aborted);
        return null;
    }

    public override string ToString() => Name;
}
