using System.Net;
using System.Net.Http.Headers;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Hosting;

/// <summary>Every <c>/api</c> error is <c>application/problem+json</c> ProblemDetails, whatever the client's <c>Accept</c> asks for.</summary>
public sealed class ApiProblemFormatTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FrameworkAndEndpointErrors_AreProblemJson_WhateverAcceptSays()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var cases = new (string Name, HttpStatusCode Status, Func<HttpRequestMessage> Request, string? Key)[]
        {
            ("unknown /api path", HttpStatusCode.NotFound, () => new(HttpMethod.Get, "api/nothing-here"), GatehouseServer.MasterKey),
            ("route constraint (not a GUID)", HttpStatusCode.NotFound, () => new(HttpMethod.Get, "api/requests/not-a-guid"), GatehouseServer.MasterKey),
            ("wrong method", HttpStatusCode.MethodNotAllowed, () => new(HttpMethod.Put, "api/keys"), GatehouseServer.MasterKey),
            ("broken JSON body", HttpStatusCode.BadRequest, () => ApiBodyEndpoints.All[0].Request("{", "application/json"), GatehouseServer.MasterKey),
            ("body not JSON", HttpStatusCode.UnsupportedMediaType, () => ApiBodyEndpoints.All[0].Request("{}", "text/plain"), GatehouseServer.MasterKey),
            ("query parameter", HttpStatusCode.BadRequest, () => new(HttpMethod.Get, "api/requests?status=x"), GatehouseServer.MasterKey),
            ("validation", HttpStatusCode.BadRequest, () => ApiBodyEndpoints.All[0].Request("""{"name":""}""", "application/json"), GatehouseServer.MasterKey),
            ("not found", HttpStatusCode.NotFound, () => new(HttpMethod.Get, "api/keys/key_missing"), GatehouseServer.MasterKey),
            ("no key", HttpStatusCode.Unauthorized, () => new(HttpMethod.Get, "api/keys"), null),
        };

        var wrong = new List<string>();
        foreach (var accept in new[] { "application/xml", "text/event-stream", "text/html", "image/png;q=0.9" })
        {
            foreach (var (name, status, create, key) in cases)
            {
                using var client = server.CreateClient(key);
                using var request = create();
                request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
                using var response = await client.SendAsync(request, Ct);
                var problem = await ApiRequestBindingTests.ProblemAsync(response);
                if (response.StatusCode != status || problem?.GetProperty("status").GetInt32() != (int)status || !problem.Value.TryGetProperty("title", out _))
                {
                    wrong.Add($"{name}, Accept: {accept}: {(int)response.StatusCode} {response.Content.Headers.ContentType} {await response.Content.ReadAsStringAsync(Ct)}");
                }
            }
        }

        Assert.Empty(wrong);
    }
}
