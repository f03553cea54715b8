using Gatehouse.Storage;
using Xunit;

namespace Gatehouse.Tests.Storage;

public sealed class RequestRecordCursorTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1_748_779_200_123_456L)]
    [InlineData(long.MaxValue)]
    [InlineData(-1L)]
    public void Encode_ThenDecode_RoundTrips(long timestampUs)
    {
        var cursor = new RequestRecordCursor(timestampUs, Guid.NewGuid());

        var text = cursor.Encode();

        Assert.True(RequestRecordCursor.TryDecode(text, out var decoded));
        Assert.Equal(cursor, decoded);
        Assert.DoesNotContain('+', text);
        Assert.DoesNotContain('/', text);
        Assert.DoesNotContain('=', text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("!!!!")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AgAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryDecode_Garbage_ReturnsFalse(string text)
        => Assert.False(RequestRecordCursor.TryDecode(text, out _));

    [Fact]
    public void TryDecode_WrongFormatVersion_ReturnsFalse()
    {
        var bytes = System.Buffers.Text.Base64Url.DecodeFromChars(new RequestRecordCursor(5, Guid.NewGuid()).Encode());
        bytes[0] = 2;

        Assert.False(RequestRecordCursor.TryDecode(System.Buffers.Text.Base64Url.EncodeToString(bytes), out _));
    }
}
