using System.Text;
using Microsoft.AspNetCore.Http;

namespace Gatehouse.Tests.Support;

/// <summary>Canned provider answers in OpenAI's wire format, written the way a real provider writes them.</summary>
internal static class FakeResponses
{
    public const string ChatCompletion = """
        {"id":"chatcmpl-fake1","object":"chat.completion","created":1730000000,"model":"upstream-model","choices":[{"index":0,"message":{"role":"assistant","content":"Hello from the fake upstream.","refusal":null},"logprobs":null,"finish_reason":"stop"}],"usage":{"prompt_tokens":1200,"completion_tokens":300,"total_tokens":1500,"prompt_tokens_details":{"cached_tokens":1000,"audio_tokens":0},"completion_tokens_details":{"reasoning_tokens":100,"audio_tokens":0}},"system_fingerprint":"fp_fake","x_provider_extension":{"kept":true}}
        """;

    public static async Task WriteChatCompletionAsync(HttpContext context, string body = ChatCompletion, int status = 200)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>Chunks for "Hello world", optionally the usage chunk, optionally the terminator.</summary>
    public static IReadOnlyList<string> StreamEvents(bool includeUsage = true, bool terminate = true)
    {
        var events = new List<string>
        {
            """{"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1730000000,"model":"upstream-model","choices":[{"index":0,"delta":{"role":"assistant","content":""},"finish_reason":null}],"usage":null,"x_chunk_extension":1}""",
            """{"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1730000000,"model":"upstream-model","choices":[{"index":0,"delta":{"content":"Hello"},"finish_reason":null}],"usage":null}""",
            """{"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1730000000,"model":"upstream-model","choices":[{"index":0,"delta":{"content":" world"},"finish_reason":null}],"usage":null}""",
            """{"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1730000000,"model":"upstream-model","choices":[{"index":0,"delta":{},"finish_reason":"stop"}],"usage":null}""",
        };
        if (includeUsage)
        {
            events.Add("""{"id":"chatcmpl-s1","object":"chat.completion.chunk","created":1730000000,"model":"upstream-model","choices":[],"usage":{"prompt_tokens":20,"completion_tokens":2,"total_tokens":22,"prompt_tokens_details":{"cached_tokens":0},"completion_tokens_details":{"reasoning_tokens":0}}}""");
        }

        if (terminate)
        {
            events.Add("[DONE]");
        }

        return events;
    }

    public static async Task WriteStreamAsync(HttpContext context, IEnumerable<string> events, TimeSpan? delayBetween = null)
    {
        if (!context.Response.HasStarted)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
        }

        foreach (var data in events)
        {
            await context.Response.Body.WriteAsync(Encoding.UTF8.GetBytes($"data: {data}\n\n"), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            if (delayBetween is { } delay)
            {
                await Task.Delay(delay, context.RequestAborted);
            }
        }
    }
}
