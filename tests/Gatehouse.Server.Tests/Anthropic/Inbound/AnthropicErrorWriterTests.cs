using System.Buffers;
using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Anthropic.Inbound;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Inbound;

public sealed class AnthropicErrorWriterTests
{
    [Fact]
    public void WriteJson_WritesAnthropicErrorShape()
    {
        var json = JsonNode.Parse(AnthropicErrorWriter.ToJson(new AnthropicError(429, "rate_limit_error", "Slow \"down\"")))!;
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"type":"error","error":{"type":"rate_limit_error","message":"Slow \"down\""}}"""), json));
    }

    [Fact]
    public void WriteStreamEvent_WritesErrorEvent()
    {
        var output = new ArrayBufferWriter<byte>();
        AnthropicErrorWriter.WriteStreamEvent(output, new AnthropicError(200, "overloaded_error", "Overloaded"));
        Assert.Equal("event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n", Encoding.UTF8.GetString(output.WrittenSpan));
    }

    [Theory]
    [InlineData(400, "invalid_request_error")]
    [InlineData(401, "authentication_error")]
    [InlineData(402, "billing_error")]
    [InlineData(403, "permission_error")]
    [InlineData(404, "not_found_error")]
    [InlineData(409, "invalid_request_error")]
    [InlineData(413, "request_too_large")]
    [InlineData(422, "invalid_request_error")]
    [InlineData(429, "rate_limit_error")]
    [InlineData(500, "api_error")]
    [InlineData(502, "api_error")]
    [InlineData(503, "overloaded_error")]
    [InlineData(504, "timeout_error")]
    [InlineData(529, "overloaded_error")]
    public void FromOpenAIError_MapsStatusToType_KeepsStatusAndMessage(int status, string type)
    {
        var error = AnthropicErrorWriter.FromOpenAIError(status, """{"error":{"message":"Boom happened","type":"whatever","param":null,"code":"c"}}"""u8);
        Assert.Equal(status, error.StatusCode);
        Assert.Equal(type, error.Type);
        Assert.Equal("Boom happened", error.Message);
    }

    [Theory]
    [InlineData("<html>bad gateway</html>")]
    [InlineData("""{"detail":"x"}""")]
    [InlineData("")]
    public void FromOpenAIError_NotOpenAIShape_UsesGenericMessage(string body)
    {
        var error = AnthropicErrorWriter.FromOpenAIError(502, Encoding.UTF8.GetBytes(body));
        Assert.Equal("api_error", error.Type);
        Assert.Equal("The upstream request failed with status 502.", error.Message);
    }

    [Theory]
    [InlineData("""{"error":{"message":"m","type":"api_error","code":"upstream_timeout"}}""", "timeout_error")]
    [InlineData("""{"error":{"message":"m","type":"api_error","code":"upstream_stream_interrupted"}}""", "api_error")]
    [InlineData("""{"error":{"message":"m","type":"server_error","code":null}}""", "api_error")]
    [InlineData("""{"error":{"message":"m","type":"requests","code":"rate_limit_exceeded"}}""", "rate_limit_error")]
    [InlineData("""{"error":{"message":"m","type":"invalid_request_error"}}""", "invalid_request_error")]
    public void FromOpenAIStreamError_MapsCodeAndType(string body, string type)
    {
        var error = AnthropicErrorWriter.FromOpenAIStreamError(Encoding.UTF8.GetBytes(body));
        Assert.Equal(type, error.Type);
        Assert.Equal("m", error.Message);
    }
}
