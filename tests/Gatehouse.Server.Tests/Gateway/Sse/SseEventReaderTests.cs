using System.Net.ServerSentEvents;
using System.Text;
using CsCheck;
using Gatehouse.Gateway.Sse;
using Xunit;

namespace Gatehouse.Tests.Gateway.Sse;

public sealed class SseEventReaderTests
{
    [Fact]
    public void Events_AreReadAsTheyComplete_WhereverTheChunksAreCut()
    {
        var stream = "event: message_start\ndata: {\"a\":1}\n\n: keep-alive\n\ndata: {\"b\":2}\n\n"u8.ToArray();
        for (var cut = 0; cut <= stream.Length; cut++)
        {
            using var reader = new SseEventReader();
            var events = new List<(string, string)>();
            reader.Append(stream.AsSpan(0, cut));
            Drain(reader, events);
            reader.Append(stream.AsSpan(cut));
            Drain(reader, events);
            Assert.Equal([("message_start", "{\"a\":1}"), ("message", "{\"b\":2}")], events);
        }
    }

    [Theory]
    [InlineData("data: a\r\n\r\n")]
    [InlineData("data: a\r\r")]
    [InlineData("data: a\n\n")]
    [InlineData("\uFEFFdata: a\n\n")]
    [InlineData("data:a\n\n")]
    public void LineEnds_Bom_AndTheOptionalSpace_AreTheFormats(string text)
    {
        Assert.Equal([("message", "a")], ReadAll(Encoding.UTF8.GetBytes(text)));
    }

    [Fact]
    public void DataLines_JoinWithLineFeeds_AndOnlyOneLeadingSpaceGoes()
    {
        Assert.Equal([("message", "first\n  second\n")], ReadAll("data: first\ndata:   second\ndata\n\n"u8.ToArray()));
    }

    [Fact]
    public void ABlankLineWithoutData_DispatchesNothing_AndKeepsTheEventType_AsSseParserDoes()
    {
        Assert.Equal([("ping", "x"), ("message", "y")], ReadAll("event: ping\n\ndata: x\n\ndata: y\n\n"u8.ToArray()));
        Assert.Equal([("", "z")], ReadAll("event:\ndata: z\n\n"u8.ToArray()));
    }

    [Fact]
    public void AnEventTheStreamEndsIn_IsNeverDispatched_AsSseParserDoes()
    {
        Assert.Empty(ReadAll("data: [DONE]"u8.ToArray()));
        Assert.Empty(ReadAll("event: error\ndata: {}\n"u8.ToArray()));
    }

    [Fact]
    public void AnEventOverTheLimit_StopsTheReader_AndALineWithoutEndDoesToo()
    {
        using var reader = new SseEventReader(maxEventBytes: 64);
        reader.Append("data: small\n\n"u8);
        Assert.True(reader.TryRead(out var first));
        Assert.Equal("small", Encoding.UTF8.GetString(first.Data));

        reader.Append(Encoding.UTF8.GetBytes("data: " + new string('x', 40) + "\ndata: " + new string('y', 40) + "\n\n"));
        Assert.False(reader.TryRead(out _));
        Assert.True(reader.Overflowed);

        using var endless = new SseEventReader(maxEventBytes: 64);
        endless.Append(Encoding.UTF8.GetBytes("data: " + new string('z', 100)));
        Assert.False(endless.TryRead(out _));
        Assert.True(endless.Overflowed);
    }

    /// <summary>
    /// The reader and .NET's SseParser agree on every input: random streams of the format's pieces
    /// (fields, comments, every line end, a BOM, stray colons and spaces), cut into random chunks.
    /// </summary>
    [Fact]
    public void AnyInputCutAnywhere_GivesTheEventsSseParserGives()
    {
        string[] pieces = ["data:", "data: ", "data", "event:", "event: ", "id: 7", "retry: 10", ":", ": note", "\n", "\r", "\r\n", "\n\n",
            "x", "{\"k\":\"v\"}", " ", "  ", "message_stop", "é", "da", "ta:", "\uFEFF", "[DONE]"];
        var streams = Gen.OneOf(pieces).Array[0, 40].Select(parts => Encoding.UTF8.GetBytes(string.Concat(parts)));
        Gen.Select(streams, Gen.Int[1, 8].Array[1, 20]).Sample((bytes, cuts) =>
        {
            var expected = SseParser.Create(new MemoryStream(bytes), static (type, data) => Encoding.UTF8.GetString(data))
                .Enumerate().Select(e => (e.EventType, e.Data)).ToList();

            using var reader = new SseEventReader();
            var actual = new List<(string, string)>();
            var offset = 0;
            for (var i = 0; offset < bytes.Length; i++)
            {
                var size = Math.Min(cuts[i % cuts.Length], bytes.Length - offset);
                reader.Append(bytes.AsSpan(offset, size));
                offset += size;
                Drain(reader, actual);
            }

            Assert.Equal(expected, actual);
        }, iter: 5000);
    }

    private static List<(string, string)> ReadAll(byte[] bytes)
    {
        using var reader = new SseEventReader();
        var events = new List<(string, string)>();
        reader.Append(bytes);
        Drain(reader, events);
        return events;
    }

    private static void Drain(SseEventReader reader, List<(string, string)> events)
    {
        while (reader.TryRead(out var sseEvent))
        {
            events.Add((Encoding.UTF8.GetString(sseEvent.EventType), Encoding.UTF8.GetString(sseEvent.Data)));
        }
    }
}
