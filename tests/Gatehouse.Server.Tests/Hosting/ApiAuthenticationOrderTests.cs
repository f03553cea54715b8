using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Hosting;

/// <summary>
/// On <c>/api</c> the key is checked before anything is read from the request: a caller without a
/// valid key gets its 401 (and a virtual key its 403 on an admin endpoint) whatever it sends.
/// </summary>
public sealed class ApiAuthenticationOrderTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task NoKeyOrWrongKey_Is401_WhateverTheBody()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var callers = new (string Name, HttpClient Client)[]
        {
            ("no key", server.CreateClient(key: null)),
            ("wrong bearer key", server.CreateClient("sk-gh-wrong")),
            ("wrong x-api-key", WithApiKeyHeader(server.CreateClient(key: null), "sk-gh-wrong")),
        };

        var wrong = new List<string>();
        foreach (var endpoint in ApiBodyEndpoints.All)
        {
            foreach (var (bodyName, body, contentType) in ApiBodyEndpoints.BadBodies.Append(("valid body", endpoint.ValidBody, "application/json")))
            {
                foreach (var (callerName, client) in callers)
                {
                    using var request = endpoint.Request(body, contentType);
                    using var response = await client.SendAsync(request, Ct);
                    if (response.StatusCode != HttpStatusCode.Unauthorized || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                    {
                        wrong.Add($"{endpoint}, {bodyName}, {callerName}: {(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType}");
                    }
                }
            }
        }

        foreach (var (_, client) in callers)
        {
            client.Dispose();
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task VirtualKey_OnAdminEndpoint_Is403_WhateverTheBody()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/keys", new { name = "user" }, TestJson.Options, Ct);
        var secret = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("key").GetString();
        using var user = server.CreateClient(secret);

        var wrong = new List<string>();
        foreach (var endpoint in ApiBodyEndpoints.All.Where(e => e.AdminOnly))
        {
            foreach (var (bodyName, body, contentType) in ApiBodyEndpoints.BadBodies)
            {
                using var request = endpoint.Request(body, contentType);
                using var response = await user.SendAsync(request, Ct);
                if (response.StatusCode != HttpStatusCode.Forbidden || response.Content.Headers.ContentType?.MediaType != "application/problem+json")
                {
                    wrong.Add($"{endpoint}, {bodyName}: {(int)response.StatusCode}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    /// <summary>
    /// The body announced is never sent: a server that read it before checking the key would wait for
    /// it and answer nothing. (The bound is only there so a regression fails instead of hanging.)
    /// </summary>
    [Fact]
    public async Task WrongKey_Is401_WithoutReadingTheBody()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(server.BaseAddress.Host, server.BaseAddress.Port, Ct);
        var stream = tcp.GetStream();
        var head = "POST /api/keys HTTP/1.1\r\nHost: gatehouse\r\nAuthorization: Bearer sk-gh-wrong\r\n"
            + "Content-Type: application/json\r\nContent-Length: 10000000\r\n\r\n{\"name\":\"";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head), Ct);

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        timeout.CancelAfter(TimeSpan.FromSeconds(20));
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (!received.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer, timeout.Token);
            Assert.NotEqual(0, read);
            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        Assert.StartsWith("HTTP/1.1 401", received.ToString(), StringComparison.Ordinal);
    }

    /// <summary>Fuzz finding: <c>DELETE /api/budgets/x/%2e%2e/%2e%2e/api/keys</c> (routing: no such method) had its body read and refused as invalid JSON, a 400 to a caller with no key.</summary>
    [Fact]
    public async Task A_request_routing_cannot_match_never_has_its_body_read()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient(key: null);
        using var request = new HttpRequestMessage(HttpMethod.Delete, "api/keys")
        {
            Content = new ByteArrayContent([0x7B, 0xFF, 0x7D]) { Headers = { ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json") } },
        };

        using var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    private static HttpClient WithApiKeyHeader(HttpClient client, string key)
    {
        client.DefaultRequestHeaders.Add("x-api-key", key);
        return client;
    }
}
