using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Resilience;
using Gatehouse.Tools;

namespace Gatehouse.Gateway.Dialects;

/// <summary>
/// <c>/v1/chat/completions</c>, <c>/v1/embeddings</c>: the pipeline's own format, so bodies,
/// answers and streams pass through as they are, and errors are OpenAI's <c>{"error":{…}}</c>.
/// </summary>
internal sealed class OpenAIChatDialect() : ClientDialect("OpenAI", "data: [DONE]"u8.ToArray())
{
    public static readonly OpenAIChatDialect Instance = new();

    public override string EndpointName(ApiOperation operation) => operation.RecordName();

    public override string Path(ApiOperation operation) => "/v1/" + operation.RelativePath();

    public override Task WriteErrorAsync(HttpResponse response, OpenAIError error, CancellationToken cancellationToken) =>
        OpenAIErrorWriter.WriteResponseAsync(response, error, cancellationToken);

    public override Task RejectUnsoundTextAsync(GatewayContext context, string textError) => context.RejectAsync(OpenAIError.InvalidJson(textError));

    public override Task<PooledBody?> ToOpenAIBodyAsync(GatewayContext context, PooledBody body) => Task.FromResult<PooledBody?>(body);

    public override bool TranslatesAnswers => false;

    public override Task<AttemptFailure?> WriteAnswerAsync(GatewayContext context, int status, PooledBody body) => WriteAsIsAsync(context, status, body);

    /// <summary>The stream itself (never asked for: <see cref="TranslatesAnswers"/> is false, so the relay writes straight to the client).</summary>
    public override Stream TranslateStream(Stream openAIEvents, CallRequest call, int estimatedInputTokens) => openAIEvents;

    public override PooledBody? ToolBody(CallRequest call) => call.Body;

    public override ToolRequest? ReadTools(ReadOnlySpan<byte> toolBody, ToolProfileCache profiles, CancellationToken cancellationToken) =>
        ToolRequestReader.Read(toolBody, profiles, cancellationToken);

    public override (byte[] Json, int Tokens) SearchTool(ToolPrefilter.Compiled compiled) => (compiled.SearchToolJson, compiled.SearchToolTokens);

    /// <summary>Narrowed in place: the narrowed body is the OpenAI body.</summary>
    public override ToolRoundBody NarrowTools(CallRequest call, ToolRequest request, bool[] sent, byte[]? searchTool) =>
        ToolRoundBody.Create(ToolBodyWriter.Write(call.Body!.Memory.Span, request, sent, searchTool), clientBody: null, call.Operation);

    public override SearchCallReader.StreamWatcher SearchWatcher(string searchName, bool wholeAnswer) => new(searchName, wholeAnswer, anthropic: false);

    public override string? FindSearchCall(ReadOnlySpan<byte> answer, string searchName) => SearchCallReader.FromCompletion(answer, searchName);
}
