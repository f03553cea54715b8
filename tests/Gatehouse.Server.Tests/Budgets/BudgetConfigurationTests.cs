using Gatehouse.Configuration;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.Options;
using Xunit;

namespace Gatehouse.Tests.Budgets;

/// <summary><c>Gatehouse:Budgets</c> goes through the strict binder and the validator like every other section.</summary>
public sealed class BudgetConfigurationTests
{
    [Theory]
    [InlineData("""{ "Gatehouse": { "Budgets": { "WebhookUrl": "not a url" } } }""", "Gatehouse:Budgets:WebhookUrl 'not a url' is not an absolute http(s) URL")]
    [InlineData("""{ "Gatehouse": { "Budgets": { "WebhookUrl": "ftp://hooks.example/x" } } }""", "Gatehouse:Budgets:WebhookUrl")]
    [InlineData("""{ "Gatehouse": { "Budgets": { "DefaultMaxOutputTokens": 0 } } }""", "Gatehouse:Budgets:DefaultMaxOutputTokens must be at least 1")]
    [InlineData("""{ "Gatehouse": { "Budgets": { "WebhookHeaders": { "X-Secret": "s" } } } }""", "Gatehouse:Budgets:WebhookHeaders is set but Gatehouse:Budgets:WebhookUrl is not")]
    [InlineData("""{ "Gatehouse": { "Budgets": { "WebhookUrl": "http://localhost/h", "WebhookHeaders": { "X-Secret": "env:GATEHOUSE_TEST_SURELY_UNSET_VARIABLE" } } } }""", "Gatehouse:Budgets:WebhookHeaders:X-Secret references environment variable")]
    public async Task InvalidBudgetSettings_FailAtStart_NamingTheKey(string config, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => GatehouseServer.StartAsync(config));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MisspeltBudgetSetting_FailsAtStart_NamingIt()
    {
        var error = await Assert.ThrowsAsync<GatehouseConfigurationException>(() => GatehouseServer.StartAsync("""{ "Gatehouse": { "Budgets": { "WebhookUri": "http://localhost/h" } } }"""));
        Assert.Contains("Gatehouse:Budgets", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ValidBudgetSettings_AreBound()
    {
        await using var server = await GatehouseServer.StartAsync("""{ "Gatehouse": { "Budgets": { "WebhookUrl": "https://hooks.example/budget", "WebhookHeaders": { "Authorization": "Bearer x" }, "DefaultMaxOutputTokens": 1000 } } }""");

        var budgets = server.GetService<global::Gatehouse.Budgets.BudgetSettings>().Current;

        Assert.Equal("https://hooks.example/budget", budgets.WebhookUrl);
        Assert.Equal("Bearer x", budgets.WebhookHeaders["authorization"]);
        Assert.Equal(1000, budgets.DefaultMaxOutputTokens);
    }
}
