using Gatehouse.Anthropic.Inbound;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Resilience;
using Gatehouse.Tools;

namespace Gatehouse.Gateway.Dialects;

/// <summary>
/// <c>/v1/messages</c>: Anthropic's Messages API. The client's body is translated to OpenAI's
/// format on the way in (and kept, for an Anthropic deployment, which gets it untranslated:
/// <see cref="AnthropicNativeUpstream"/>); answers, streams and errors are translated back into
/// Anthropic's shape, and a request Anthropic would refuse is answered in its words.
/// </summary>
internal sealed class AnthropicMessagesDialect() : ClientDialect("Anthropic", "event: message_stop"u8.ToArray())
{
    public static readonly AnthropicMessagesDialect Instance = new();

    public override NativeUpstream Native => AnthropicNativeUpstream.Instance;

    public override string EndpointName(ApiOperation operation) => "messages";

    public override string Path(ApiOperation operation) => "/v1/messages";

    public override Task WriteErrorAsync(HttpResponse response, OpenAIError error, CancellationToken cancellationToken) =>
        AnthropicErrorWriter.WriteResponseAsync(response, AnthropicError.FromOpenAI(error), cancellationToken);

    public override Task RejectUnsoundTextAsync(GatewayContext context, string textError) => RejectAsync(context, AnthropicError.InvalidJson(textError));

    /// <summary>Anthropic Messages → OpenAI chat body; the model as the client named it goes on the call, for the answer.</summary>
    public override async Task<PooledBody?> ToOpenAIBodyAsync(GatewayContext context, PooledBody body)
    {
        var translated = MessagesRequestTranslator.Translate(body.Memory, out var error);
        if (translated is not null)
        {
            context.Call = context.Call with { ClientModel = translated.Model, TranslationRefusal = ToOpenAI(translated.Untranslatable) };
            return PooledBody.Unpooled(translated.OpenAIBody);
        }

        await RejectAsync(context, error!);
        return null;
    }

    public override bool TranslatesAnswers => true;

    /// <summary>The OpenAI answer (or the upstream's OpenAI error) in Anthropic's shape.</summary>
    public override async Task<AttemptFailure?> WriteAnswerAsync(GatewayContext context, int status, PooledBody body)
    {
        var response = context.Http.Response;
        byte[] translated;
        if (status is >= 200 and < 300)
        {
            var message = MessagesResponseTranslator.Translate(body.Memory, ClientModel(context.Call));
            if (message is null)
            {
                return await context.AttemptFailedAsync(UpstreamFailure.MalformedResponse, "The upstream answer is not a chat completion.");
            }

            translated = message;
        }
        else
        {
            var error = AnthropicErrorWriter.FromOpenAIError(status, body.Memory.Span);
            status = error.StatusCode;
            translated = AnthropicErrorWriter.ToJson(error);
        }

        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = translated.Length;
        await response.Body.WriteAsync(translated, context.Aborted);
        return null;
    }

    public override bool StreamStartsWithInputTokens => true;

    /// <summary>Anthropic's <c>message_start</c> carries the prompt's tokens before any usage exists: the tokenizer's count (<paramref name="estimatedInputTokens"/>).</summary>
    public override Stream TranslateStream(Stream openAIEvents, CallRequest call, int estimatedInputTokens) =>
        new MessagesStreamTranslator(openAIEvents, ClientModel(call), estimatedInputTokens);

    /// <summary>The client's own Anthropic body, not its OpenAI translation, so its bytes can be narrowed and passed through.</summary>
    public override PooledBody? ToolBody(CallRequest call) => call.ClientBody;

    public override ToolRequest? ReadTools(ReadOnlySpan<byte> toolBody, ToolProfileCache profiles, CancellationToken cancellationToken) =>
        AnthropicToolRequestReader.Read(toolBody, profiles, cancellationToken);

    public override (byte[] Json, int Tokens) SearchTool(ToolPrefilter.Compiled compiled) => (compiled.AnthropicSearchToolJson, compiled.AnthropicSearchToolTokens);

    /// <summary>
    /// The tools are narrowed in the client's body (byte for byte) and that body is translated again,
    /// so both forms always carry the same tools, translated by the one translator request reading uses.
    /// </summary>
    public override ToolRoundBody NarrowTools(CallRequest call, ToolRequest request, bool[] sent, byte[]? searchTool)
    {
        var client = ToolBodyWriter.Write(call.ClientBody!.Memory.Span, request, sent, searchTool);

        // The client's body translated once already; the same body with fewer tools and one well-formed tool more cannot fail to.
        var translated = MessagesRequestTranslator.Translate(client.Memory, out var error)
            ?? throw new InvalidOperationException($"A narrowed Messages body no longer translates: {error?.Message}");
        return ToolRoundBody.Create(PooledBody.Unpooled(translated.OpenAIBody), client, call.Operation);
    }

    public override SearchCallReader.StreamWatcher SearchWatcher(string searchName, bool wholeAnswer) => new(searchName, wholeAnswer, anthropic: true);

    public override string? FindSearchCall(ReadOnlySpan<byte> answer, string searchName) => SearchCallReader.FromMessage(answer, searchName);

    private static OpenAIError? ToOpenAI(AnthropicError? error) =>
        error is null ? null : new OpenAIError(error.StatusCode, error.Message, "invalid_request_error", Code: "unsupported_parameter");

    private static string ClientModel(CallRequest call) => call.ClientModel ?? call.Request!.Model;

    /// <summary>A request Anthropic would refuse, answered and recorded in its words.</summary>
    private static Task RejectAsync(GatewayContext context, AnthropicError error)
    {
        context.Outcome.Fail(error.StatusCode, error.Type, error.Message);
        return AnthropicErrorWriter.WriteResponseAsync(context.Http.Response, error, context.Aborted);
    }
}
