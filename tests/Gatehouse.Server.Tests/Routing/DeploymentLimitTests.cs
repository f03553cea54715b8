using System.Net;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Routing;

/// <summary>Gatehouse's own caps on a deployment: over them the call goes to the next deployment, or gets a 429 when none is left.</summary>
public sealed class DeploymentLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DeploymentRequestsPerMinute_OverflowFallsBack_ThenIs429WhenNothingIsLeft()
    {
        await using var server = await GatehouseServer.StartAsync("""
            { "Gatehouse": {
                "Deployments": {
                  "sim-small": { "RequestsPerMinute": 3, "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
                  "sim-medium": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } } },
                "Models": {
                  "spill": { "Deployments": [ "sim-small", "sim-medium" ] },
                  "capped": { "Deployments": [ "sim-small" ] } } } }
            """);
        using var client = server.CreateClient();
        var deployments = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"spill","messages":[{"role":"user","content":"hi"}]}"""), Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            deployments.Add(response.Headers.GetValues("x-gatehouse-deployment").Single());
        }

        Assert.Equal(["sim-small", "sim-small", "sim-small", "sim-medium", "sim-medium"], deployments);

        using var capped = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"capped","messages":[{"role":"user","content":"hi"}]}"""), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, capped.StatusCode);
        Assert.NotNull(capped.Headers.RetryAfter);
        Assert.Contains("deployment_rate_limited", await capped.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DeploymentMaxConcurrency_CapsCallsInFlight()
    {
        await using var server = await GatehouseServer.StartAsync("""
            { "Gatehouse": {
                "Deployments": { "sim-small": { "MaxConcurrency": 2, "Simulation": { "TimeToFirstTokenMs": 3000, "TokensPerSecond": 0 } } },
                "Models": { "narrow": { "Deployments": [ "sim-small" ] } } } }
            """);
        using var client = server.CreateClient();

        var statuses = await Task.WhenAll(Enumerable.Range(0, 6).Select(async _ =>
        {
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"narrow","messages":[{"role":"user","content":"hi"}]}"""), Ct);
            return response.StatusCode;
        }));

        Assert.Equal(2, statuses.Count(s => s == HttpStatusCode.OK));
        Assert.Equal(4, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
    }
}
