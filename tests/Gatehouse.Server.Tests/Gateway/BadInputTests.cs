using System.ClientModel;
using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Support;
using OpenAI.Chat;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>Every rejection gets the right status and an OpenAI error body, and leaves a record exactly when documented.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GatehouseServer.StartAsync(
        """{ "Gatehouse": { "MaxRequestBodyBytes": 4096, "Deployments": { "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } } } } }""");

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, int, string?, string?> Bodies => new()
    {
        { "{not json", 400, "invalid_json", null },
        { "[1,2]", 400, "invalid_json", null },
        { """{"model":"sim-small","messages":[{"role":"user","content":"hi"}]} trailing""", 400, "invalid_json", null },
        { """{"messages":[{"role":"user","content":"hi"}]}""", 400, "missing_required_parameter", "model" },
        { """{"model":42,"messages":[{"role":"user","content":"hi"}]}""", 400, "invalid_type", "model" },
        { """{"model":"sim-small"}""", 400, "missing_required_parameter", "messages" },
        { """{"model":"sim-small","messages":[]}""", 400, "empty_array", "messages" },
        { """{"model":"sim-small","messages":"hi"}""", 400, "invalid_type", "messages" },
        { """{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"stream":"yes"}""", 400, "invalid_type", "stream" },
        { """{"model":"no-such-model","messages":[{"role":"user","content":"hi"}]}""", 404, "model_not_found", "model" },
    };

    [Theory]
    [MemberData(nameof(Bodies))]
    public async Task BadBody_GetsOpenAIError_AndLeavesRecord(string body, int status, string? code, string? param)
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);

        Assert.Equal(status, (int)response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var error = json.RootElement.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetString());
        Assert.Equal(param, error.GetProperty("param").GetString());
        Assert.False(string.IsNullOrEmpty(error.GetProperty("message").GetString()));
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(status, record.StatusCode);
        Assert.Equal(code, record.ErrorClass);
        Assert.Equal("master", record.KeyId);
    }

    [Fact]
    public async Task ClientHangsUpMidUpload_IsRecordedAs499_NotAsBadJson()
    {
        // A raw socket: headers promising 200 bytes, 20 of them, then the client closes the connection.
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        await socket.ConnectAsync(_server.BaseAddress.Host, _server.BaseAddress.Port, Ct);
        var head = $"POST /v1/chat/completions HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer {GatehouseServer.MasterKey}\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n";
        await socket.SendAsync(System.Text.Encoding.ASCII.GetBytes(head + "{\"model\":\"sim-small\","), Ct);
        socket.Shutdown(System.Net.Sockets.SocketShutdown.Both);
        socket.Close();

        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(499, record.StatusCode);
        Assert.Equal("client_closed_request", record.ErrorClass);
    }

    [Fact]
    public async Task BodyOverLimit_Is413_WithOrWithoutContentLength()
    {
        var big = $$"""{"model":"sim-small","messages":[{"role":"user","content":"{{new string('x', 5000)}}"}]}""";
        using var client = _server.CreateClient();
        using var sized = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(big), Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, sized.StatusCode);

        using var chunked = new HttpRequestMessage(HttpMethod.Post, "v1/chat/completions") { Content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(big))) };
        chunked.Headers.TransferEncodingChunked = true;
        chunked.Content.Headers.ContentType = new("application/json");
        using var response = await client.SendAsync(chunked, Ct);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("request_too_large", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        var records = await _server.WaitForRecordsAsync(2);
        Assert.Equal(2, records.Count);
        Assert.All(records, r => Assert.Equal(413, r.StatusCode));
    }

    [Fact]
    public async Task SdkSeesTypedErrors_ForUnknownModelAndWrongKey()
    {
        var unknown = await Assert.ThrowsAsync<ClientResultException>(() =>
            Sdk.OpenAI(_server).GetChatClient("nope").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        Assert.Equal(404, unknown.Status);

        var wrongKey = await Assert.ThrowsAsync<ClientResultException>(() =>
            Sdk.OpenAI(_server, "sk-gh-wrong").GetChatClient("sim-small").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        Assert.Equal(401, wrongKey.Status);
    }

    [Fact]
    public async Task MissingOrWrongKey_Is401_AndLeavesNoRecord()
    {
        using var anonymous = _server.CreateClient(key: null);
        using var missing = await anonymous.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, missing.StatusCode);
        Assert.Contains("missing_api_key", await missing.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        using var wrong = _server.CreateClient("sk-gh-not-a-key");
        using var rejected = await wrong.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, rejected.StatusCode);
        Assert.Contains("invalid_api_key", await rejected.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        // A successful call afterwards is the only record.
        using var ok = _server.CreateClient();
        using var accepted = await ok.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        await Task.Delay(300, Ct);
        var record = Assert.Single(await _server.WaitForRecordsAsync(1));
        Assert.Equal(200, record.StatusCode);
    }

    [Fact]
    public async Task XApiKeyHeader_IsAccepted()
    {
        using var client = _server.CreateClient(key: null);
        client.DefaultRequestHeaders.Add("x-api-key", GatehouseServer.MasterKey);
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task UnknownV1Path_Is404InOpenAIShape()
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("v1/completions/legacy", GatehouseServer.Json("{}"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("unknown_url", json.RootElement.GetProperty("error").GetProperty("code").GetString());
    }
}
