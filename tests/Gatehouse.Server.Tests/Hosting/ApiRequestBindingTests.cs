using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Hosting;

/// <summary>
/// What the <c>/api</c> binder cannot read is a precise 4xx ProblemDetails, never a 500 and never an
/// empty "Bad Request": an unknown charset, a body that is not JSON, broken JSON, a field of the wrong
/// type, a query parameter that does not parse.
/// </summary>
public sealed class ApiRequestBindingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task JsonBody_WithACharsetOtherThanUtf8_Is415NamingIt_OnEveryBodyEndpoint()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();

        var wrong = new List<string>();
        foreach (var endpoint in ApiBodyEndpoints.All)
        {
            foreach (var charset in new[] { "\"\"", "bogus", "utf-16", "\"latin1\"" })
            {
                using var request = endpoint.Request(endpoint.ValidBody, $"application/json; charset={charset}");
                using var response = await admin.SendAsync(request, Ct);
                var problem = await ProblemAsync(response);
                if (response.StatusCode != HttpStatusCode.UnsupportedMediaType || problem?.GetProperty("detail").GetString() is not { } detail
                    || !detail.Contains(charset, StringComparison.Ordinal) || !detail.Contains("UTF-8", StringComparison.Ordinal))
                {
                    wrong.Add($"{endpoint}, charset={charset}: {(int)response.StatusCode} {problem}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json; charset=\"utf-8\"")]
    [InlineData("application/json")]
    public async Task JsonBody_InUtf8_IsRead_HoweverTheCharsetIsWritten(string contentType)
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();
        using var request = ApiBodyEndpoints.All[0].Request("""{"name":"café"}""", contentType);
        using var response = await admin.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("café", JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("name").GetString());
    }

    [Fact]
    public async Task BodyThatIsNotJson_Is415_SayingWhatToSend()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();

        foreach (var contentType in new[] { "text/plain", "application/x-www-form-urlencoded" })
        {
            using var request = ApiBodyEndpoints.All[0].Request("""{"name":"k"}""", contentType);
            using var response = await admin.SendAsync(request, Ct);
            var detail = (await ProblemAsync(response))?.GetProperty("detail").GetString();

            Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
            Assert.Contains(contentType, detail, StringComparison.Ordinal);
            Assert.Contains("Content-Type: application/json", detail, StringComparison.Ordinal);
        }

        using var noContentType = new HttpRequestMessage(HttpMethod.Post, "api/keys") { Content = new ByteArrayContent("{}"u8.ToArray()) };
        using var untyped = await admin.SendAsync(noContentType, Ct);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, untyped.StatusCode);
        Assert.Contains("no Content-Type", (await ProblemAsync(untyped))?.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{", "not valid JSON")]
    [InlineData("""{"name":1}""", "'$.name'")]
    [InlineData("""{"name":"x","requestsPerMinute":"many"}""", "'$.requestsPerMinute'")]
    [InlineData("""{"name":"x","expiresAt":"tomorrow"}""", "'$.expiresAt'")]
    [InlineData("""{"name":"\ud800"}""", "lone surrogate")] // RequestLimits checks the text before the binder reads it
    [InlineData("", "empty or null")]
    [InlineData("null", "empty or null")]
    public async Task UnreadableBody_Is400_SayingWhereAndWhy(string body, string expected)
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();
        using var request = ApiBodyEndpoints.All[0].Request(body, "application/json");
        using var response = await admin.SendAsync(request, Ct);
        var problem = await ProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, problem?.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownFieldOnAStrictBody_Is400NamingTheField()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();
        using var request = ApiBodyEndpoints.All.Single(e => e.Path.EndsWith("/render", StringComparison.Ordinal)).Request("""{"inputs":{},"modle":"x"}""", "application/json");
        using var response = await admin.SendAsync(request, Ct);
        var detail = (await ProblemAsync(response))?.GetProperty("detail").GetString();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'$.modle'", detail, StringComparison.Ordinal);
        Assert.Contains("could not be mapped", detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api/requests?from=yesterday", "from")]
    [InlineData("api/requests?to=2026-13-45", "to")]
    [InlineData("api/requests?to=0001-01-01T00:00:00%2B14:00", "to")]
    [InlineData("api/requests?status=99999999999", "status")]
    [InlineData("api/requests?status=2xx", "status")]
    [InlineData("api/executions?retryOf=not-a-guid", "retryOf")]
    [InlineData("api/executions?from=9999-12-31T23:59:59.9999999-14:00", "from")]
    [InlineData("api/analytics?from=soon", "from")]
    [InlineData("api/analytics?to=1e10", "to")]
    public async Task QueryParameterThatDoesNotParse_Is400_NamingIt(string path, string parameter)
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();
        using var response = await admin.GetAsync(path, Ct);
        var problem = await ProblemAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True(problem?.TryGetProperty("errors", out var errors) == true && errors.TryGetProperty(parameter, out _), problem?.ToString());
    }

    /// <summary>The ProblemDetails of an error response (asserting it is one), or null for any other body.</summary>
    internal static async Task<JsonElement?> ProblemAsync(HttpResponseMessage response)
    {
        if (response.Content.Headers.ContentType?.MediaType != "application/problem+json")
        {
            return null;
        }

        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }
}
