using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Gatehouse.Usage;
using Gatehouse.Budgets;
using Gatehouse.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Gatehouse.Tests.Budgets;

/// <summary>
/// A fake upstream whose answers report a known usage, priced by configuration, so every call's cost
/// is exact: the prompt's tokens as Gatehouse's tokenizer counts them (what a budget reserves for the
/// input) and exactly <c>max_tokens</c> of output (what it reserves for the output). A call's real
/// cost then equals its reservation, which makes "affords exactly N calls" exact.
/// </summary>
internal sealed class BudgetFixture : IAsyncDisposable
{
    /// <summary>USD per token, from the configured $1 / $2 per million.</summary>
    public const decimal InputPrice = 0.000001m;
    public const decimal OutputPrice = 0.000002m;
    public const int MaxTokens = 10;

    public const string Request = """{"model":"budgeted","max_tokens":10,"messages":[{"role":"user","content":"How much is left?"}]}""";

    private FakeUpstream _upstream = null!;

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>The prompt tokens of <see cref="Request"/>, counted as Gatehouse counts them.</summary>
    public static int PromptTokens { get; } = ChatTokenEstimator.EstimatePrompt(JsonDocument.Parse(Request).RootElement, TiktokenTokenCounter.Instance);

    /// <summary>What one <see cref="Request"/> costs (and reserves).</summary>
    public static decimal CallCost { get; } = (PromptTokens * InputPrice) + (MaxTokens * OutputPrice);

    public FakeUpstream Upstream => _upstream;

    /// <summary>
    /// Budget time stopped mid-month at noon, so no test crosses a period boundary it did not mean
    /// to, whenever it runs; period tests bring their own clock.
    /// </summary>
    public static void FixedBudgetClock(WebApplicationBuilder builder) =>
        builder.Services.AddKeyedSingleton<TimeProvider>(PolicyClock.ServiceKey, new FakeTimeProvider(new DateTimeOffset(2026, 3, 10, 12, 0, 0, TimeSpan.Zero)));

    public static async Task<BudgetFixture> StartAsync()
    {
        var fixture = new BudgetFixture { _upstream = await FakeUpstream.StartAsync() };
        fixture._upstream.Handler = (context, _) => AnswerAsync(context);
        return fixture;
    }

    /// <summary>A completion reporting <see cref="PromptTokens"/> in and <see cref="MaxTokens"/> out.</summary>
    public static Task AnswerAsync(HttpContext context) => FakeResponses.WriteChatCompletionAsync(context, $$$"""
        {"id":"chatcmpl-b","object":"chat.completion","created":1730000000,"model":"upstream-model","choices":[{"index":0,"message":{"role":"assistant","content":"Plenty."},"finish_reason":"length"}],"usage":{"prompt_tokens":{{{PromptTokens}}},"completion_tokens":{{{MaxTokens}}},"total_tokens":{{{PromptTokens + MaxTokens}}}}}
        """);

    /// <summary>
    /// The alias <c>budgeted</c> on this upstream at $1 / $2 per million tokens (a model the price table
    /// does not know, so no published maximum output), plus <paramref name="extra"/> inside the Gatehouse section.
    /// </summary>
    public string Config(string extra = "") => $$"""
        { "Gatehouse": {
            "Providers": { "fake": { "Type": "OpenAI", "BaseUrl": "{{_upstream.BaseUrl}}" } },
            "Deployments": {
              "cheap": { "Provider": "fake", "Model": "upstream-model", "Price": { "InputPerMillion": 1, "OutputPerMillion": 2 } },
              "pricey": { "Provider": "fake", "Model": "upstream-model", "Price": { "InputPerMillion": 10, "OutputPerMillion": 20 } } },
            "Models": {
              "budgeted": { "Deployments": [ "cheap" ] },
              "with-pricey-fallback": { "Deployments": [ "cheap", "pricey" ] } }
            {{extra}} } }
        """;

    public static async Task<(string Id, HttpClient Client)> CreateKeyAsync(GatehouseServer server, string name, string? owner = null)
    {
        using var admin = server.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/keys", new { name, owner }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var key = JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement;
        return (key.GetProperty("id").GetString()!, server.CreateClient(key.GetProperty("key").GetString()));
    }

    public static async Task<JsonElement> CreateBudgetAsync(GatehouseServer server, object budget)
    {
        using var admin = server.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/budgets", budget, TestJson.Options, Ct);
        var body = await created.Content.ReadAsStringAsync(Ct);
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public static async Task<JsonElement> GetBudgetAsync(GatehouseServer server, string id)
    {
        using var admin = server.CreateClient();
        return JsonDocument.Parse(await admin.GetStringAsync($"api/budgets/{id}", Ct)).RootElement.Clone();
    }

    /// <summary>
    /// The budget once no call holds a reservation on it. A call settles after its answer has been
    /// sent, so a client can see the answer a moment before the budget shows its cost.
    /// </summary>
    public static async Task<JsonElement> SettledBudgetAsync(GatehouseServer server, string id)
    {
        JsonElement budget = default;
        await WaitUntilAsync(async () => Usd(budget = await GetBudgetAsync(server, id), "reservedUsd") == 0m, $"budget {id} has settled");
        return budget;
    }

    public static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> CallAsync(HttpClient client, string body = Request)
    {
        var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(Ct), response);
    }

    public static string ErrorMessage(string body) => JsonDocument.Parse(body).RootElement.GetProperty("error").GetProperty("message").GetString()!;

    public static decimal Usd(JsonElement budget, string property) => budget.GetProperty(property).GetDecimal();

    public static decimal HeaderUsd(HttpResponseMessage response, string header) =>
        decimal.Parse(response.Headers.GetValues(header).Single(), CultureInfo.InvariantCulture);

    /// <summary>Polls until <paramref name="condition"/> holds (work the server finishes after answering), failing after 30 s.</summary>
    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        for (var i = 0; i < 1500; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(20, Ct);
        }

        Assert.Fail("Timed out waiting until " + what);
    }

    public async ValueTask DisposeAsync() => await _upstream.DisposeAsync();
}
