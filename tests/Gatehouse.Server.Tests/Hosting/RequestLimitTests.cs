using System.Net;
using System.Text;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Hosting;

/// <summary>
/// Size limits are Gatehouse's own (<c>MaxRequestBodyBytes</c>, <c>MaxRequestHeadersBytes</c>,
/// <c>MaxRequestHeaderCount</c>), answered with a body in the caller's dialect; Kestrel's limits sit
/// above them, so a request Gatehouse accepts is never refused by Kestrel with an empty answer.
/// </summary>
public sealed class RequestLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Config(string limits) => $$"""
        { "Gatehouse": { {{limits}}, "Prompts": { "SeedDemo": false }, "Deployments": {
            "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
            "sim-embedding": { "Simulation": { "TimeToFirstTokenMs": 0 } } } } }
        """;

    [Theory]
    [InlineData("GET", "v1/models", "openai")]
    [InlineData("POST", "v1/messages", "anthropic")]
    [InlineData("GET", "api/prompts", "problem")]
    public async Task HeadersOverTheLimit_Are431InTheCallersDialect(string method, string path, string dialect)
    {
        await using var server = await GatehouseServer.StartAsync(Config("\"MaxRequestHeadersBytes\": 4096, \"MaxRequestHeaderCount\": 20"));
        using var client = server.CreateClient();

        using var large = new HttpRequestMessage(new HttpMethod(method), path);
        large.Headers.Add("x-padding", new string('a', 5000));
        await AssertRefusedAsync(await client.SendAsync(large, Ct), HttpStatusCode.RequestHeaderFieldsTooLarge, dialect, "4096");

        using var many = new HttpRequestMessage(new HttpMethod(method), path);
        for (var i = 0; i < 25; i++)
        {
            many.Headers.Add($"x-h{i}", "v");
        }

        await AssertRefusedAsync(await client.SendAsync(many, Ct), HttpStatusCode.RequestHeaderFieldsTooLarge, dialect, "at most 20");
    }

    [Fact]
    public async Task HeadersAboveKestrelsDefault_ButWithinGatehousesLimit_AreServed()
    {
        // Kestrel alone refuses more than 32 KB of headers with an empty 431.
        await using var server = await GatehouseServer.StartAsync(Config("\"MaxRequestHeadersBytes\": 65536"));
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "v1/models");
        request.Headers.Add("x-padding", new string('a', 48 * 1024));
        using var response = await client.SendAsync(request, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ApiBodyOverTheLimit_Is413ProblemDetails_WithOrWithoutContentLength()
    {
        await using var server = await GatehouseServer.StartAsync(Config("\"MaxRequestBodyBytes\": 4096"));
        using var client = server.CreateClient();
        var body = $$"""{"slug":"big","model":"sim-small","messages":[{"role":"user","content":"{{new string('x', 5000)}}"}]}""";

        await AssertRefusedAsync(await client.PostAsync("api/prompts", GatehouseServer.Json(body), Ct), HttpStatusCode.RequestEntityTooLarge, "problem", "4096");

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "api/prompts") { Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(body))) };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Content.Headers.ContentType = new("application/json");
        await AssertRefusedAsync(await client.SendAsync(chunked, Ct), HttpStatusCode.RequestEntityTooLarge, "problem", "4096");
    }

    [Fact]
    public async Task BodyAboveKestrelsDefault_ButWithinGatehousesLimit_IsServed()
    {
        // Kestrel alone refuses bodies over 30,000,000 bytes; whitespace keeps the call itself cheap.
        await using var server = await GatehouseServer.StartAsync(Config("\"MaxRequestBodyBytes\": 33554432"));
        using var client = server.CreateClient();
        var bytes = Encoding.UTF8.GetBytes("""{"model":"sim-embedding","input":"hi" """ + new string(' ', 31_000_000) + "}");
        using var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new("application/json");
        using var response = await client.PostAsync("v1/embeddings", content, Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string dialect, string mentions)
    {
        using (response)
        {
            Assert.Equal(status, response.StatusCode);
            var text = await response.Content.ReadAsStringAsync(Ct);
            using var json = JsonDocument.Parse(text);
            var root = json.RootElement;
            var message = dialect switch
            {
                "openai" => root.GetProperty("error").GetProperty("message").GetString(),
                "anthropic" => root.GetProperty("type").GetString() == "error" ? root.GetProperty("error").GetProperty("message").GetString() : null,
                _ => root.GetProperty("status").GetInt32() == (int)status ? root.GetProperty("detail").GetString() : null,
            };
            Assert.Contains(mentions, message ?? text, StringComparison.Ordinal);
        }
    }
}
