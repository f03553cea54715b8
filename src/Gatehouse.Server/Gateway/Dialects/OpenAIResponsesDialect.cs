using Gatehouse.OpenAI;
using Gatehouse.OpenAI.Responses;
using Gatehouse.Providers;
using Gatehouse.Resilience;
using Gatehouse.Tools;

namespace Gatehouse.Gateway.Dialects;

/// <summary>
/// <c>/v1/responses</c>: OpenAI's Responses API, translated onto chat completions on the way in
/// (<see cref="ResponsesRequestTranslator"/>) and into response objects and Responses events on the
/// way out; errors are OpenAI's <c>{"error":{…}}</c>, as the Responses API has them. Every
/// deployment is reached through chat completions for now: OpenAI's own Responses API (native
/// passthrough) and stored responses are not served yet (docs/api.md), and tool prefiltering does
/// not apply (its search watcher reads chat and Messages answers only).
/// </summary>
internal sealed class OpenAIResponsesDialect() : ClientDialect("OpenAIResponses", "event: response.completed"u8.ToArray(), "event: response.incomplete"u8.ToArray())
{
    public static readonly OpenAIResponsesDialect Instance = new();

    public override string EndpointName(ApiOperation operation) => "responses";

    public override string Path(ApiOperation operation) => "/v1/responses";

    public override Task WriteErrorAsync(HttpResponse response, OpenAIError error, CancellationToken cancellationToken) =>
        OpenAIErrorWriter.WriteResponseAsync(response, error, cancellationToken);

    public override Task RejectUnsoundTextAsync(GatewayContext context, string textError) => context.RejectAsync(OpenAIError.InvalidJson(textError));

    /// <summary>Responses → chat completions; what the response object must repeat goes on the call.</summary>
    public override async Task<PooledBody?> ToOpenAIBodyAsync(GatewayContext context, PooledBody body)
    {
        var translated = ResponsesRequestTranslator.Translate(body.Memory, out var error);
        if (translated is null)
        {
            await context.RejectAsync(error!);
            return null;
        }

        context.Call = context.Call with { ClientModel = translated.Echo.Model, ResponseEcho = translated.Echo };
        return PooledBody.Unpooled(translated.ChatBody);
    }

    public override bool TranslatesAnswers => true;

    /// <summary>The chat completion as a response object; an upstream's OpenAI error as it is (the Responses API's errors have the same shape).</summary>
    public override async Task<AttemptFailure?> WriteAnswerAsync(GatewayContext context, int status, PooledBody body)
    {
        if (status is < 200 or >= 300)
        {
            return await WriteAsIsAsync(context, status, body);
        }

        if (ResponsesAnswerTranslator.Translate(body.Memory, NewOutput(context.Call)) is not { } translated)
        {
            return await context.AttemptFailedAsync(UpstreamFailure.MalformedResponse, "The upstream answer is not a chat completion.");
        }

        var response = context.Http.Response;
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength = translated.Length;
        await response.Body.WriteAsync(translated, context.Aborted);
        return null;
    }

    public override Stream TranslateStream(Stream openAIEvents, CallRequest call, int estimatedInputTokens) => new ResponsesStreamTranslator(openAIEvents, NewOutput(call));

    public override PooledBody? ToolBody(CallRequest call) => null;

    public override ToolRequest? ReadTools(ReadOnlySpan<byte> toolBody, ToolProfileCache profiles, CancellationToken cancellationToken) => null;

    public override (byte[] Json, int Tokens) SearchTool(ToolPrefilter.Compiled compiled) => throw NotPrefiltered();

    public override ToolRoundBody NarrowTools(CallRequest call, ToolRequest request, bool[] sent, byte[]? searchTool) => throw NotPrefiltered();

    public override SearchCallReader.StreamWatcher SearchWatcher(string searchName, bool wholeAnswer) => throw NotPrefiltered();

    public override string? FindSearchCall(ReadOnlySpan<byte> answer, string searchName) => throw NotPrefiltered();

    /// <summary>The response of this call: its id is the call's request id, so the response and its record are one.</summary>
    private static ResponseOutput NewOutput(CallRequest call) =>
        new(ResponseIds.Response(call.RequestId), DateTimeOffset.UtcNow.ToUnixTimeSeconds(), call.ResponseEcho ?? new ResponseEcho(call.ClientModel ?? call.Request!.Model));

    // ToolBody is null, so the prefilter never reads tools of this dialect and never gets here.
    private static InvalidOperationException NotPrefiltered() => new("Tool prefiltering does not run on /v1/responses.");
}
