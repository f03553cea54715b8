using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Gatehouse.Tests.Usage;
using Gatehouse.Usage;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Gatehouse.Tests.Hosting;

/// <summary>
/// Errors answered outside the pipeline (routing, the exception handler, the /api binder) come in the
/// caller's dialect: OpenAI's JSON under /v1, Anthropic's under /v1/messages, ProblemDetails (with a
/// detail that says what was wrong) under /api. A /v1 caller never gets the framework's ProblemDetails.
/// </summary>
public sealed class ErrorDialectTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("GET", "v1/messages", "anthropic", 405)]
    [InlineData("PUT", "v1/messages/count_tokens", "anthropic", 405)]
    [InlineData("GET", "v1/messages/batches", "anthropic", 404)]
    [InlineData("GET", "v1/chat/completions", "openai", 405)]
    [InlineData("DELETE", "v1/models", "openai", 405)]
    [InlineData("POST", "v1/completions", "openai", 404)]
    public async Task UnknownRouteOrWrongMethod_UnderV1_IsTheSdksOwnError(string method, string path, string dialect, int status)
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient();
        using var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path) { Content = GatehouseServer.Json("{}") }, Ct);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        if (dialect == "anthropic")
        {
            Assert.Equal("error", json.RootElement.GetProperty("type").GetString());
            Assert.Equal(status == 404 ? "not_found_error" : "invalid_request_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        }
        else
        {
            Assert.Equal(status == 404 ? "unknown_url" : "method_not_allowed", json.RootElement.GetProperty("error").GetProperty("code").GetString());
        }

        if (status == 405)
        {
            Assert.Contains(method == "DELETE" ? "GET" : "POST", response.Content.Headers.Allow);
        }
    }

    [Fact]
    public async Task Bug_OutsideThePipeline_Is500InTheCallersDialect()
    {
        // count_tokens runs outside the pipeline: its failure goes to the exception handler.
        await using var server = await GatehouseServer.StartAsync(
            GatehouseServer.FastSimulatorConfig,
            configure: builder => builder.Services.AddSingleton<ITokenCounter>(new FakeTokenCounter(_ => throw new InvalidOperationException("counter broke"))));
        using var client = server.CreateClient();
        using var response = await client.PostAsync(
            "v1/messages/count_tokens", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("api_error", json.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.DoesNotContain("counter broke", json.RootElement.GetRawText(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"slug":5}""", "$.slug")]
    [InlineData("""{"slug":"a","no_such_field":1}""", "no_such_field")]
    public async Task ApiBodyTheBinderCannotRead_Is400ProblemDetails_SayingWhat(string body, string named)
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient();
        using var response = await client.PostAsync("api/prompts", GatehouseServer.Json(body), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Contains(named, json.RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }
}
