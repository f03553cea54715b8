using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Gatehouse.Simulator;

internal sealed partial class SimulatorHandler
{
    private static readonly MediaTypeHeaderValue EventStreamMediaType = new("text/event-stream") { CharSet = "utf-8" };

    /// <summary>
    /// Renders the whole answer as server-sent events up front (cheap, and deterministic), then
    /// returns at once with a stream that releases each event at its simulated time.
    /// </summary>
    private HttpResponseMessage Stream(ChatRequest chat, SimulatedCompletion completion, SimulatorRequestOptions options, string id, long created)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        var events = new List<SimulatedEventStream.Event>();
        var chunks = new ChatChunkWriter(id, created, chat.Model, chat.IncludeUsage);
        using var writer = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions);
        var choices = completion.Choices;

        void Begin()
        {
            buffer.Write("data: "u8);
            writer.Reset(buffer);
        }

        void End(TimeSpan delay)
        {
            writer.Flush();
            buffer.Write("\n\n"u8);
            events.Add(new(buffer.WrittenCount, delay));
        }

        // Reasoning happens before the first visible token.
        var firstDelay = TimeSpan.FromMilliseconds(options.TimeToFirstTokenMs) + options.TokenDelay(choices.Max(static c => c.ReasoningTokens));
        for (var i = 0; i < choices.Count; i++)
        {
            Begin();
            chunks.WriteStart(writer, i, choices[i].ToolCall);
            End(i == 0 ? firstDelay : TimeSpan.Zero);
        }

        var pieces = choices.Select(static c => Split(c.Content ?? c.ToolCall!.Arguments)).ToArray();
        var rounds = pieces.Max(static p => p.Count);
        for (var round = 0; round < rounds; round++)
        {
            var roundDelay = TimeSpan.Zero;
            for (var i = 0; i < choices.Count; i++)
            {
                if (round >= pieces[i].Count) continue;
                var choice = choices[i];
                var text = (choice.Content ?? choice.ToolCall!.Arguments).AsSpan()[pieces[i][round]];
                var share = (double)choice.OutputTokens * text.Length / Math.Max(1, (choice.Content ?? choice.ToolCall!.Arguments).Length);
                var delay = options.TokenDelay(share);
                Begin();
                if (choice.ToolCall is null) chunks.WriteContent(writer, i, text);
                else chunks.WriteArguments(writer, i, text);
                End(delay > roundDelay ? delay - roundDelay : TimeSpan.Zero);
                roundDelay = delay > roundDelay ? delay : roundDelay;
            }
        }

        for (var i = 0; i < choices.Count; i++)
        {
            Begin();
            chunks.WriteFinish(writer, i, choices[i].FinishReason);
            End(TimeSpan.Zero);
        }

        switch (options.Fault)
        {
            case SimulatedFault.CutStream:
                events.RemoveRange(Math.Max(1, events.Count / 2), events.Count - Math.Max(1, events.Count / 2));
                break;
            case SimulatedFault.Malformed:
                events.RemoveRange(1, events.Count - 1);
                break;
            default:
                if (chat.IncludeUsage)
                {
                    Begin();
                    chunks.WriteUsage(writer, completion);
                    End(TimeSpan.Zero);
                }

                buffer.Write("data: [DONE]\n\n"u8);
                events.Add(new(buffer.WrittenCount, TimeSpan.Zero));
                break;
        }

        var data = buffer.WrittenMemory[..events[^1].End];
        if (options.Fault == SimulatedFault.Malformed) data = Malformed(data[..events[0].End], events);

        var content = new StreamContent(new SimulatedEventStream(data, events, _timeProvider));
        content.Headers.ContentType = EventStreamMediaType;
        return new HttpResponseMessage(HttpStatusCode.OK) { Content = content };
    }

    /// <summary>The first event, then one that is not JSON, then the end.</summary>
    private static ReadOnlyMemory<byte> Malformed(ReadOnlyMemory<byte> first, List<SimulatedEventStream.Event> events)
    {
        var bad = "data: {not json\n\n"u8;
        var data = new byte[first.Length + bad.Length];
        first.Span.CopyTo(data);
        bad.CopyTo(data.AsSpan(first.Length));
        events.Add(new(data.Length, TimeSpan.Zero));
        return data;
    }

    /// <summary>Cuts text into stream deltas of a few words (or ~24 characters of JSON).</summary>
    private static List<Range> Split(string text)
    {
        var pieces = new List<Range>(text.Length / 12 + 1);
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            var length = i - start;
            var end = i == text.Length ||
                (text[i] == ' ' && length >= 12) ||
                (length >= 24 && !char.IsLowSurrogate(text[i]));
            if (end)
            {
                pieces.Add(start..i);
                start = i;
            }
        }

        return pieces;
    }
}
