using Gatehouse.Configuration;
using Gatehouse.Providers.Local;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Xunit;

namespace Gatehouse.Tests.Providers;

public sealed class LocalModelWarmupTests
{
    private static GatehouseOptions Options(string? embeddingModel) => new()
    {
        Providers =
        {
            ["local"] = new ProviderOptions { Type = ProviderType.Local },
            ["openai"] = new ProviderOptions { Type = ProviderType.OpenAI, BaseUrl = "http://127.0.0.1:9/v1" },
        },
        Deployments =
        {
            ["local-minilm"] = new DeploymentOptions { Provider = "local", Model = "all-MiniLM-L6-v2" },
            ["remote-embedding"] = new DeploymentOptions { Provider = "openai", Model = "text-embedding-3-small" },
        },
        Models =
        {
            ["local-minilm"] = new ModelAliasOptions { Deployments = ["local-minilm"] },
            ["remote"] = new ModelAliasOptions { Deployments = ["remote-embedding"] },
            ["local-then-remote"] = new ModelAliasOptions { Deployments = ["local-minilm", "remote-embedding"] },
        },
        Tools = new ToolOptions { EmbeddingModel = embeddingModel },
    };

    [Theory]
    [InlineData("local-minilm", new[] { "all-MiniLM-L6-v2" })]
    [InlineData("local-then-remote", new[] { "all-MiniLM-L6-v2" })]
    [InlineData("remote", new string[0])]
    [InlineData(null, new string[0])]
    [InlineData("no-such-alias", new string[0])]
    public void WarmsTheLocalModelsBehindTheToolEmbeddingAlias(string? embeddingModel, string[] expected) =>
        Assert.Equal(expected, LocalModelWarmup.ModelsToWarm(Options(embeddingModel)));

    [Fact]
    public async Task AServerRankingToolsWithTheLocalModel_LoadsItInTheBackgroundAtStart()
    {
        var logs = new FakeLogCollector();
        await using var server = await GatehouseServer.StartAsync(
            """{ "Logging": { "LogLevel": { "Gatehouse.Providers.Local": "Information" } }, "Gatehouse": { "Tools": { "EmbeddingModel": "local-minilm" } } }""",
            configure: b => b.Logging.AddProvider(new FakeLoggerProvider(logs)));

        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!logs.GetSnapshot().Any(l => l.Id.Id == 1811) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50, TestContext.Current.CancellationToken);
        }

        Assert.Contains(logs.GetSnapshot(), l => l.Id.Id == 1811 && l.Message.Contains("all-MiniLM-L6-v2", StringComparison.Ordinal));
    }
}
