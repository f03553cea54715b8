using System.Buffers;
using System.Net;
using System.Text.Json;

namespace Gatehouse.Simulator;

internal sealed partial class SimulatorHandler
{
    private async Task<HttpResponseMessage> ChatCompletionsAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using var document = await ReadJsonAsync(request, cancellationToken);
        if (document is null)
        {
            return OpenAIErrorResponse.BadRequest("We could not parse the JSON body of your request. The request body must be valid JSON.");
        }

        var chat = ChatRequest.Parse(document.RootElement, out var error);
        if (chat is null) return error!.ToResponse();
        if (_profileForModel(chat.Model) is not { } profile) return OpenAIErrorResponse.ModelNotFound(chat.Model);
        if (chat.MaxTokens > profile.MaxOutputTokens)
        {
            // OpenAI's words for it. The answer's length never follows max_tokens anyway (see ChatCompletionGenerator).
            return new SimulatorRequestError(
                $"{chat.MaxTokensParam} is too large: {chat.MaxTokens}. This model supports at most {profile.MaxOutputTokens} completion tokens, whereas you provided {chat.MaxTokens}.",
                chat.MaxTokensParam,
                "invalid_value").ToResponse();
        }

        if (chat.ToolChoice.ValueKind == JsonValueKind.Object &&
            (!chat.HasTools || ToolSelector.Select(chat, new SimulatorRandom(0)).ValueKind != JsonValueKind.Object))
        {
            return OpenAIErrorResponse.BadRequest("Invalid value for 'tool_choice': no function with that name is in 'tools'.", "tool_choice");
        }

        var options = SimulatorRequestOptions.Resolve(request, profile);
        if (await EarlyFaultAsync(chat.Model, options, cancellationToken) is { } faulted) return faulted;

        var completion = ChatCompletionGenerator.Generate(chat, profile, _tokenCounter, cancellationToken);
        var id = "chatcmpl-" + ChatCompletionGenerator.RandomId(new SimulatorRandom(NextIdSeed()), 29);
        var created = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        if (chat.Stream) return Stream(chat, completion, options, id, created);

        var buffer = new ArrayBufferWriter<byte>(1024);
        using (var writer = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions))
        {
            ChatCompletionWriter.WriteCompletion(writer, id, created, chat.Model, completion);
        }

        // Non-streamed answers arrive all at once, after the time the whole generation would take.
        var reasoningAndText = completion.LongestCompletionTokens;
        await DelayAsync(TimeSpan.FromMilliseconds(options.TimeToFirstTokenMs) + options.TokenDelay(reasoningAndText), cancellationToken);
        return JsonResponse(HttpStatusCode.OK, ApplyBodyFault(buffer.WrittenMemory, options.Fault));
    }

#pragma warning disable CA5394 // Response ids need to be unique, not secret.
    private static ulong NextIdSeed() => (ulong)Random.Shared.NextInt64();
#pragma warning restore CA5394
}
