using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Keys;

/// <summary>
/// Which header's key counts: an <c>Authorization</c> header decides on its own (<c>Bearer &lt;key&gt;</c>,
/// or a 401), and only without one is <c>x-api-key</c> read. A non-Bearer Authorization beside a
/// valid <c>x-api-key</c> is refused, in the caller's dialect, on every surface.
/// </summary>
public sealed class PresentedKeyTests : IAsyncLifetime
{
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Every surface that takes a key, with a body it accepts, and its error dialect.</summary>
    public static TheoryData<string, string, string?, string> Surfaces => new()
    {
        { "POST", "v1/chat/completions", """{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}""", "openai" },
        { "GET", "v1/models", null, "openai" },
        { "POST", "v1/messages", """{"model":"sim-small","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}""", "anthropic" },
        { "POST", "v1/messages/count_tokens", """{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}""", "anthropic" },
        { "GET", "api/keys", null, "problem" },
    };

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task NonBearerAuthorization_BesideAValidXApiKey_Is401(string method, string path, string? body, string dialect)
    {
        foreach (var authorization in new[] { "Basic abc", "Basic " + Convert.ToBase64String("user:pass"u8), "Token " + GatehouseServer.MasterKey, "Bearer", "Bearer    ", GatehouseServer.MasterKey })
        {
            using var response = await SendAsync(method, path, body, authorization, xApiKey: GatehouseServer.MasterKey);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.Unauthorized, $"{path} with 'Authorization: {authorization}': {(int)response.StatusCode} {text}");
            AssertUnauthorized(dialect, text);
            Assert.DoesNotContain("user:pass", text, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Surfaces))]
    public async Task BearerWins_OverXApiKey_AndXApiKeyAloneIsRead(string method, string path, string? body, string dialect)
    {
        _ = dialect;
        using (var bearer = await SendAsync(method, path, body, "bearer " + GatehouseServer.MasterKey, xApiKey: "sk-gh-not-a-key"))
        {
            Assert.True(bearer.IsSuccessStatusCode, $"{path}: {(int)bearer.StatusCode} {await bearer.Content.ReadAsStringAsync(Ct)}");
        }

        using (var wrongBearer = await SendAsync(method, path, body, "Bearer sk-gh-not-a-key", xApiKey: GatehouseServer.MasterKey))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongBearer.StatusCode);
        }

        using var apiKey = await SendAsync(method, path, body, authorization: null, xApiKey: GatehouseServer.MasterKey);
        Assert.True(apiKey.IsSuccessStatusCode, $"{path}: {(int)apiKey.StatusCode}");
    }

    /// <summary>Two header lines of the same name, as curl and proxies send them (HttpClient would join them into one).</summary>
    [Theory]
    [InlineData("Authorization", "Bearer " + GatehouseServer.MasterKey, "Bearer " + GatehouseServer.MasterKey, 200)]
    [InlineData("Authorization", "Bearer " + GatehouseServer.MasterKey, "Bearer sk-gh-another", 401)]
    [InlineData("x-api-key", GatehouseServer.MasterKey, GatehouseServer.MasterKey, 200)]
    [InlineData("x-api-key", GatehouseServer.MasterKey, "sk-gh-another", 401)]
    public async Task A_key_header_sent_twice_counts_once_when_both_are_the_same(string name, string first, string second, int expected)
    {
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(_server.BaseAddress.Host, _server.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        var head = $"GET /v1/models HTTP/1.1\r\nHost: gatehouse\r\n{name}: {first}\r\n{name}: {second}\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(System.Text.Encoding.ASCII.GetBytes(head), Ct);

        using var reader = new StreamReader(stream);
        var statusLine = await reader.ReadLineAsync(Ct);
        Assert.StartsWith($"HTTP/1.1 {expected}", statusLine, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> SendAsync(string method, string path, string? body, string? authorization, string? xApiKey)
    {
        using var client = _server.CreateClient(key: null);
        using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : GatehouseServer.Json(body) };
        if (authorization is not null)
        {
            Assert.True(request.Headers.TryAddWithoutValidation("Authorization", authorization));
        }

        if (xApiKey is not null)
        {
            request.Headers.Add("x-api-key", xApiKey);
        }

        return await client.SendAsync(request, Ct);
    }

    private static void AssertUnauthorized(string dialect, string text)
    {
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        switch (dialect)
        {
            case "openai":
                Assert.Equal("invalid_api_key", root.GetProperty("error").GetProperty("code").GetString());
                Assert.Contains("Bearer", root.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
                break;
            case "anthropic":
                Assert.Equal("authentication_error", root.GetProperty("error").GetProperty("type").GetString());
                break;
            default:
                Assert.Equal(401, root.GetProperty("status").GetInt32());
                Assert.Contains("Bearer", root.GetProperty("detail").GetString(), StringComparison.Ordinal);
                break;
        }
    }
}
