using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Simulator;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Simulator;

/// <summary>
/// A simulator behind a real <see cref="HttpClient"/>, with fake time and one model profile per name.
/// Models: "sim-fast" (no delays), "sim-slow" (TTFT 500 ms, 10 tokens/s), plus any added by tests.
/// </summary>
public sealed class SimulatorHarness : IDisposable
{
    public SimulatorHarness()
    {
        Profiles["sim-fast"] = new SimulationProfile { TimeToFirstTokenMs = 0, TokensPerSecond = 0, DefaultMaxOutputTokens = 60 };
        Profiles["sim-slow"] = new SimulationProfile { TimeToFirstTokenMs = 500, TokensPerSecond = 10, DefaultMaxOutputTokens = 40 };
        var handler = new SimulatorHandler(m => Profiles.GetValueOrDefault(m), TiktokenCounter.Instance, Time);
        Client = new HttpClient(handler) { BaseAddress = new Uri("http://simulator.test/v1/") };
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 1, 2, 3, 4, 5, TimeSpan.Zero));

    public Dictionary<string, SimulationProfile> Profiles { get; } = new(StringComparer.Ordinal);

    public HttpClient Client { get; }

    public static HttpRequestMessage Request(string path, string body, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        foreach (var (name, value) in headers) request.Headers.Add(name, value);
        return request;
    }

    public static string Chat(string model = "sim-fast", string user = "Tell me about gardens.", string extra = "") =>
        $$"""{"model":"{{model}}","messages":[{"role":"system","content":"You are terse."},{"role":"user","content":{{JsonSerializer.Serialize(user, Gatehouse.Tests.Support.TestJson.Options)}}}]{{extra}}}""";

    public async Task<HttpResponseMessage> SendAsync(string path, string body, params (string Name, string Value)[] headers)
    {
        using var request = Request(path, body, headers);
        return await Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    /// <summary>Posts a body and parses the JSON answer, asserting the status code.</summary>
    public async Task<JsonNode> PostAsync(string path, string body, int expectedStatus = 200, params (string Name, string Value)[] headers)
    {
        using var response = await SendAsync(path, body, headers);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True((int)response.StatusCode == expectedStatus, $"Expected {expectedStatus}, got {(int)response.StatusCode}: {text}");
        return JsonNode.Parse(text)!;
    }

    /// <summary>Reads a whole event stream and returns the data of each event, in order.</summary>
    public static async Task<List<string>> ReadEventsAsync(HttpResponseMessage response)
    {
        var events = new List<string>();
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken));
        while (await reader.ReadLineAsync(TestContext.Current.CancellationToken) is { } line)
        {
            if (line.Length == 0) continue;
            Assert.StartsWith("data: ", line, StringComparison.Ordinal);
            events.Add(line["data: ".Length..]);
        }

        return events;
    }

    public void Dispose() => Client.Dispose();
}
