using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.Anthropic.Upstream;
using Xunit;

namespace Gatehouse.Tests.Anthropic.Upstream;

public sealed class AnthropicErrorTranslatorTests
{
    [Theory]
    [InlineData(400, "invalid_request_error", 400, "invalid_request_error", "invalid_request_error")]
    [InlineData(401, "authentication_error", 401, "authentication_error", "invalid_api_key")]
    [InlineData(403, "permission_error", 403, "permission_error", "permission_error")]
    [InlineData(404, "not_found_error", 404, "invalid_request_error", "not_found_error")]
    [InlineData(413, "request_too_large", 413, "invalid_request_error", "request_too_large")]
    [InlineData(429, "rate_limit_error", 429, "rate_limit_error", "rate_limit_exceeded")]
    [InlineData(500, "api_error", 500, "server_error", "api_error")]
    [InlineData(529, "overloaded_error", 503, "service_unavailable", "overloaded_error")]
    [InlineData(418, "teapot_error", 418, "api_error", "teapot_error")]
    public void AnthropicError_BecomesOpenAIError(int status, string anthropicType, int expectedStatus, string expectedType, string expectedCode)
    {
        var body = $$$"""{"type":"error","error":{"type":"{{{anthropicType}}}","message":"Something about \"this\"."}}""";

        var (outStatus, json) = AnthropicErrorTranslator.Translate(status, Encoding.UTF8.GetBytes(body));

        Assert.Equal(expectedStatus, outStatus);
        var error = JsonNode.Parse(json)!["error"]!;
        Assert.Equal("Something about \"this\".", error["message"]!.GetValue<string>());
        Assert.Equal(expectedType, error["type"]!.GetValue<string>());
        Assert.Equal(expectedCode, error["code"]!.GetValue<string>());
    }

    [Theory]
    [InlineData(529, 503)]
    [InlineData(502, 502)]
    [InlineData(429, 429)]
    public void BodyNotAnAnthropicError_KeepsStatus_Except529(int status, int expected)
    {
        var (outStatus, json) = AnthropicErrorTranslator.Translate(status, "<html>Bad gateway</html>"u8);

        Assert.Equal(expected, outStatus);
        Assert.Contains(status.ToString(System.Globalization.CultureInfo.InvariantCulture), JsonNode.Parse(json)!["error"]!["message"]!.GetValue<string>(), StringComparison.Ordinal);
    }
}
