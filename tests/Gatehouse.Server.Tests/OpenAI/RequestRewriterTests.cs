using System.Text;
using System.Text.Json.Nodes;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Xunit;

namespace Gatehouse.Tests.OpenAI;

public sealed class RequestRewriterTests
{
    private static string Rewrite(string body, string upstreamModel = "up")
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        var parsed = OpenAIRequestReader.Read(bytes, ApiOperation.ChatCompletions, out var error);
        Assert.Null(error);
        using var rewritten = RequestRewriter.Rewrite(bytes, parsed!, Encoding.UTF8.GetBytes(System.Text.Json.JsonSerializer.Serialize(upstreamModel, Gatehouse.Tests.Support.TestJson.Options)));
        return Encoding.UTF8.GetString(rewritten.Memory.Span);
    }

    [Theory]
    [InlineData("""{"model":"a","messages":[{"role":"user","content":"x"}]}""", """{"model":"up","messages":[{"role":"user","content":"x"}]}""")]
    [InlineData("""{ "messages" : [ {"role":"user","content":"x"} ] ,  "model" : "a" , "z":1 }""", """{ "messages" : [ {"role":"user","content":"x"} ] ,  "model" : "up" , "z":1 }""")]
    [InlineData("""{"model":"\u0061","messages":[{}]}""", """{"model":"up","messages":[{}]}""")]
    public void NonStreaming_OnlyModelChanges_WhitespaceAndOrderKept(string body, string expected) => Assert.Equal(expected, Rewrite(body));

    [Fact]
    public void Streaming_WithoutStreamOptions_InsertsIncludeUsage()
    {
        var result = Rewrite("""{"model":"a","stream":true,"messages":[{}]}""");
        Assert.Equal("""{"stream_options":{"include_usage":true},"model":"up","stream":true,"messages":[{}]}""", result);
    }

    [Theory]
    [InlineData("""{"stream_options":{"include_usage":false},"model":"a","stream":true,"messages":[{}]}""")]
    [InlineData("""{"model":"a","stream":true,"messages":[{}],"stream_options":{"other":[1,{"include_usage":false}]}}""")]
    public void Streaming_WithStreamOptions_SetsIncludeUsage_KeepsTheRest(string body)
    {
        var node = JsonNode.Parse(Rewrite(body))!;
        Assert.True(node["stream_options"]!["include_usage"]!.GetValue<bool>());
        Assert.Equal("up", node["model"]!.GetValue<string>());
        var original = JsonNode.Parse(body)!["stream_options"]!.AsObject();
        foreach (var (name, value) in original)
        {
            if (name != "include_usage")
            {
                Assert.True(JsonNode.DeepEquals(value, node["stream_options"]![name]));
            }
        }
    }

    [Fact]
    public void Streaming_ClientAskedForUsage_NothingButModelChanges()
    {
        const string body = """{"model":"a","stream":true,"stream_options":{"include_usage":true},"messages":[{}]}""";
        Assert.Equal(body.Replace("\"a\"", "\"up\"", StringComparison.Ordinal), Rewrite(body));
    }

    [Fact]
    public void Reader_ReportsStreamAndClientUsageChoice()
    {
        var parsed = OpenAIRequestReader.Read("""{"model":"m","stream":true,"stream_options":{"include_usage":true},"messages":[{}]}"""u8, ApiOperation.ChatCompletions, out _);
        Assert.True(parsed!.Stream);
        Assert.True(parsed.ClientRequestedUsage);
        Assert.Equal("m", parsed.Model);
    }

    [Theory]
    [InlineData("""{"model":"m","input":[]}""", "empty_array")]
    [InlineData("""{"model":"m","input":5}""", "invalid_type")]
    [InlineData("""{"model":"m"}""", "missing_required_parameter")]
    public void Reader_EmbeddingsInputChecks(string body, string code)
    {
        Assert.Null(OpenAIRequestReader.Read(Encoding.UTF8.GetBytes(body), ApiOperation.Embeddings, out var error));
        Assert.Equal(code, error!.Code);
    }

    [Theory]
    [InlineData("""{"model":"m","input":"text"}""")]
    [InlineData("""{"model":"m","input":["a","b"]}""")]
    [InlineData("""{"model":"m","input":[[1,2,3],[4]]}""")]
    public void Reader_EmbeddingsInputAccepted(string body) =>
        Assert.NotNull(OpenAIRequestReader.Read(Encoding.UTF8.GetBytes(body), ApiOperation.Embeddings, out _));
}
