using System.Text;
using Gatehouse.Gateway;
using Gatehouse.Gateway.Dialects;
using Microsoft.AspNetCore.Http;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>
/// The gate in front of the client's body: the bytes that complete an answer wait for the record,
/// everything before them goes out at once.
/// </summary>
public sealed class AnswerCompletionGateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_body_of_declared_length_keeps_its_completing_write_until_release()
    {
        var (gate, sent) = Create(contentLength: 10);

        await gate.WriteAsync("01234"u8.ToArray(), Ct);
        Assert.Equal("01234", Text(sent));
        Assert.False(gate.HoldsCompletion);

        await gate.WriteAsync("56789"u8.ToArray(), Ct);
        Assert.Equal("01234", Text(sent));
        Assert.True(gate.HoldsCompletion);

        await gate.ReleaseAsync(Ct);
        Assert.Equal("0123456789", Text(sent));
    }

    [Fact]
    public async Task A_large_completing_write_goes_out_but_for_its_last_byte()
    {
        var body = new byte[100_000];
        Array.Fill(body, (byte)'x');
        var (gate, sent) = Create(contentLength: body.Length);

        await gate.WriteAsync(body, Ct);
        Assert.Equal(body.Length - 1, sent.Length);

        await gate.ReleaseAsync(Ct);
        Assert.Equal(body.Length, sent.Length);
    }

    [Fact]
    public async Task An_event_stream_passes_through_until_its_terminating_event()
    {
        var (gate, sent) = Create(contentType: "text/event-stream");

        await gate.WriteAsync("data: {\"a\":1}\n\n"u8.ToArray(), Ct);
        await gate.WriteAsync("data: {\"b\":2}\n\ndata: [DONE]\n\n"u8.ToArray(), Ct);

        Assert.Equal("data: {\"a\":1}\n\ndata: {\"b\":2}\n\n", Text(sent));
        Assert.True(gate.HoldsCompletion);

        await gate.ReleaseAsync(Ct);
        Assert.Equal("data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n", Text(sent));
    }

    [Fact]
    public async Task A_terminating_event_split_across_writes_is_still_held()
    {
        var (gate, sent) = Create(contentType: "text/event-stream");

        await gate.WriteAsync("data: {\"a\":1}\n\ndata: [DO"u8.ToArray(), Ct);
        Assert.Equal("data: {\"a\":1}\n\n", Text(sent));

        await gate.WriteAsync("NE]\n\n"u8.ToArray(), Ct);
        Assert.Equal("data: {\"a\":1}\n\n", Text(sent));
        Assert.True(gate.HoldsCompletion);

        await gate.ReleaseAsync(Ct);
        Assert.Equal("data: {\"a\":1}\n\ndata: [DONE]\n\n", Text(sent));
    }

    [Fact]
    public async Task A_line_that_only_starts_like_the_marker_is_sent_once_it_is_known()
    {
        var (gate, sent) = Create(contentType: "text/event-stream");

        await gate.WriteAsync("data: "u8.ToArray(), Ct);
        Assert.Equal("", Text(sent));

        await gate.WriteAsync("{\"c\":3}\n\n"u8.ToArray(), Ct);
        Assert.Equal("data: {\"c\":3}\n\n", Text(sent));
        Assert.False(gate.HoldsCompletion);
    }

    [Fact]
    public async Task The_marker_inside_a_line_is_not_the_end()
    {
        var (gate, sent) = Create(contentType: "text/event-stream");

        await gate.WriteAsync("data: {\"text\":\"data: [DONE]\"}\n\n"u8.ToArray(), Ct);

        Assert.Equal("data: {\"text\":\"data: [DONE]\"}\n\n", Text(sent));
        Assert.False(gate.HoldsCompletion);
    }

    [Fact]
    public async Task An_Anthropic_stream_is_held_from_message_stop()
    {
        var (gate, sent) = Create(contentType: "text/event-stream", dialect: AnthropicMessagesDialect.Instance);

        await gate.WriteAsync("event: message_delta\ndata: {}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n"u8.ToArray(), Ct);

        Assert.Equal("event: message_delta\ndata: {}\n\n", Text(sent));
        await gate.ReleaseAsync(Ct);
        Assert.EndsWith("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n", Text(sent));
    }

    [Theory]
    [InlineData("response.completed")]
    [InlineData("response.incomplete")]
    public async Task A_Responses_stream_is_held_from_either_of_its_ends(string end)
    {
        var (gate, sent) = Create(contentType: "text/event-stream", dialect: OpenAIResponsesDialect.Instance);
        var last = $"event: {end}\ndata: {{\"type\":\"{end}\"}}\n\n";

        await gate.WriteAsync(Encoding.UTF8.GetBytes("event: response.in_progress\ndata: {}\n\nevent: response.output_text.done\ndata: {}\n\n" + last), Ct);

        Assert.Equal("event: response.in_progress\ndata: {}\n\nevent: response.output_text.done\ndata: {}\n\n", Text(sent));
        Assert.True(gate.HoldsCompletion);
        await gate.ReleaseAsync(Ct);
        Assert.EndsWith(last, Text(sent));
    }

    [Fact]
    public async Task A_body_of_unknown_length_passes_straight_through()
    {
        // Chunked: the client sees the end only when the response completes, after the record.
        var (gate, sent) = Create(contentType: "application/json");

        await gate.WriteAsync("{\"error\":{}}"u8.ToArray(), Ct);

        Assert.Equal("{\"error\":{}}", Text(sent));
        Assert.False(gate.HoldsCompletion);
    }

    [Fact]
    public async Task After_release_writes_go_straight_through_and_a_second_release_sends_nothing()
    {
        var (gate, sent) = Create(contentType: "text/event-stream");
        await gate.WriteAsync("data: [DONE]\n\n"u8.ToArray(), Ct);
        await gate.ReleaseAsync(Ct);

        await gate.WriteAsync("\n"u8.ToArray(), Ct);
        await gate.ReleaseAsync(Ct);

        Assert.Equal("data: [DONE]\n\n\n", Text(sent));
    }

    [Fact]
    public async Task Release_to_a_client_that_left_does_not_throw()
    {
        var context = new DefaultHttpContext();
        context.Response.ContentLength = 3;
        var gate = new AnswerCompletionGate(new ClosedStream(), context.Response, OpenAIChatDialect.Instance.StreamEndMarkers);
        await gate.WriteAsync("abc"u8.ToArray(), Ct);

        await gate.ReleaseAsync(Ct);
    }

    private static (AnswerCompletionGate Gate, MemoryStream Sent) Create(long? contentLength = null, string? contentType = null, ClientDialect? dialect = null)
    {
        var context = new DefaultHttpContext();
        context.Response.ContentLength = contentLength;
        context.Response.ContentType = contentType;
        var sent = new MemoryStream();
        return (new AnswerCompletionGate(sent, context.Response, (dialect ?? OpenAIChatDialect.Instance).StreamEndMarkers), sent);
    }

    private static string Text(MemoryStream sent) => Encoding.UTF8.GetString(sent.ToArray());

    private sealed class ClosedStream : MemoryStream
    {
        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
            throw new IOException("The client closed the connection.");
    }
}
