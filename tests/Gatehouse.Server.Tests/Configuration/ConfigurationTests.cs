using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.Options;
using Xunit;

namespace Gatehouse.Tests.Configuration;

public sealed class ConfigurationTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string, string> BadConfigurations => new()
    {
        { """{ "Gatehouse": { "Deployments": { "d": { "Provider": "ghost", "Model": "m" } } } }""", "Gatehouse:Deployments:d:Provider 'ghost' is not defined" },
        { """{ "Gatehouse": { "Models": { "m": { "Deployments": [ "nowhere" ] } } } }""", "Gatehouse:Models:m:Deployments:0 'nowhere'" },
        { """{ "Gatehouse": { "Providers": { "p": { "Type": "OpenAI" } } } }""", "Gatehouse:Providers:p:BaseUrl is required" },
        { """{ "Gatehouse": { "Providers": { "p": { "BaseUrl": "not a url" } } } }""", "Gatehouse:Providers:p:BaseUrl 'not a url'" },
        { """{ "Gatehouse": { "Providers": { "p": { "BaseUrl": "http://x/v1", "ApiKey": "env:GATEHOUSE_TEST_SURELY_UNSET_VARIABLE" } } } }""", "Gatehouse:Providers:p:ApiKey references environment variable 'GATEHOUSE_TEST_SURELY_UNSET_VARIABLE'" },
        { """{ "Gatehouse": { "Providers": { "az": { "Type": "AzureOpenAI", "BaseUrl": "https://x.openai.azure.com" } } } }""", "Gatehouse:Providers:az:ApiVersion is required" },
        { """{ "Gatehouse": { "Deployments": { "d": { "Provider": "simulator" } } } }""", "Gatehouse:Deployments:d:Model is required" },
        { """{ "Gatehouse": { "Deployments": { "sim-small": { "TokensPerMinute": -1 } } } }""", "Gatehouse:Deployments:sim-small:TokensPerMinute must be 0 (unlimited) or positive" },
        { """{ "Gatehouse": { "MaxRequestedRetries": 11 } }""", "Gatehouse:MaxRequestedRetries must be between 0 and 10" },
        { """{ "Gatehouse": { "Tools": { "EmbeddingModel": "no-such-alias" } } }""", "Gatehouse:Tools:EmbeddingModel 'no-such-alias' is not a model alias" },
        { """{ "Gatehouse": { "Tools": { "EmbeddingModel": "sim-embedding", "EmbeddingTimeoutMs": 0 } } }""", "Gatehouse:Tools:EmbeddingTimeoutMs must be between 10 and 60000" },
        { """{ "Gatehouse": { "Tools": { "MinSavedTokens": -1 } } }""", "Gatehouse:Tools:MinSavedTokens must be between 0 and 1000000" },
        { """{ "Gatehouse": { "Tools": { "EmbeddingCutoff": 1.5 } } }""", "Gatehouse:Tools:EmbeddingCutoff must be between 0 and 1" },
        { """{ "Gatehouse": { "Deployments": { "local-minilm": { "Model": "bge-large" } } } }""", "Gatehouse:Deployments:local-minilm:Model 'bge-large' is not a model that runs in process; a Local provider serves all-MiniLM-L6-v2" },
    };

    [Theory]
    [MemberData(nameof(BadConfigurations))]
    public async Task BadConfiguration_FailsAtStart_NamingTheKey(string config, string expected)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => GatehouseServer.StartAsync(config));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnconvertibleValue_FailsAtStart_NamingTheKey()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => GatehouseServer.StartAsync("""{ "Gatehouse": { "Deployments": { "sim-small": { "TimeoutSeconds": "soon" } } } }"""));
        Assert.Contains("Gatehouse:Deployments:sim-small:TimeoutSeconds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{ "Gatehouse": { "Deployments": { "sim-small": { "TimeoutSecs": 5 } } } }""", "Gatehouse:Deployments:sim-small")]
    [InlineData("""{ "Gatehouse": { "Modles": { } } }""", "Gatehouse:Modles")]
    public async Task MisspeltKey_FailsAtStart_NamingIt(string config, string expected)
    {
        var error = await Assert.ThrowsAsync<Gatehouse.Configuration.GatehouseConfigurationException>(() => GatehouseServer.StartAsync(config));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConfigFileChange_ReloadsRoutes_WithoutRestart_AndInvalidChangeIsIgnored()
    {
        await using var server = await GatehouseServer.StartAsync();
        using var client = server.CreateClient();

        await File.WriteAllTextAsync(server.ConfigPath, """{ "Gatehouse": { "Models": { "my-alias": { "Deployments": [ "sim-small" ] } } } }""", Ct);
        Assert.True(await WaitUntilAsync(async () => (await ModelIdsAsync(client)).Contains("my-alias")));
        using (var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"my-alias","messages":[{"role":"user","content":"hi"}]}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("sim-small", response.Headers.GetValues("x-gatehouse-deployment").Single());
        }

        // A broken edit is rejected and the previous routes stay.
        await File.WriteAllTextAsync(server.ConfigPath, """{ "Gatehouse": { "Models": { "broken": { "Deployments": [ "nowhere" ] } } } }""", Ct);
        await Task.Delay(1500, Ct);
        var ids = await ModelIdsAsync(client);
        Assert.Contains("my-alias", ids);
        Assert.DoesNotContain("broken", ids);

        // ...and so do the limits and settings every call reads: calls are still served, not 500s.
        using (var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"my-alias","messages":[{"role":"user","content":"hi"}]}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task ProviderSecret_IsReadFromEnvironment_AndSentUpstream()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        Environment.SetEnvironmentVariable("GATEHOUSE_TEST_UPSTREAM_KEY", "sk-from-env");
        var config = upstream.Config().Replace("\"sk-upstream-secret\"", "\"env:GATEHOUSE_TEST_UPSTREAM_KEY\"", StringComparison.Ordinal);
        await using var server = await GatehouseServer.StartAsync(config);
        using var client = server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"fake-model","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer sk-from-env", Assert.Single(upstream.Received).Headers["Authorization"]);
    }

    [Fact]
    public async Task AzureProvider_UsesDeploymentUrl_ApiVersion_AndApiKeyHeader()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var resource = upstream.BaseUrl[..^"/v1".Length];
        await using var server = await GatehouseServer.StartAsync($$"""
            { "Gatehouse": {
                "Providers": { "azure": { "Type": "AzureOpenAI", "BaseUrl": "{{resource}}", "ApiVersion": "2024-10-21", "ApiKey": "azure-secret" } },
                "Deployments": { "az-4o": { "Provider": "azure", "Model": "my-gpt4o-deployment", "PriceAs": "gpt-4o" } },
                "Models": { "gpt-4o": { "Deployments": [ "az-4o" ] } } } }
            """);
        using var client = server.CreateClient();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"gpt-4o","messages":[{"role":"user","content":"hi"}]}"""), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var received = Assert.Single(upstream.Received);
        Assert.Equal("/openai/deployments/my-gpt4o-deployment/chat/completions?api-version=2024-10-21", received.PathAndQuery);
        Assert.Equal("azure-secret", received.Headers["api-key"]);
        Assert.False(received.Headers.ContainsKey("Authorization"));
    }

    [Fact]
    public async Task SampleConfiguration_IsValid_AndExposesItsModels()
    {
        foreach (var variable in new[] { "OPENAI_API_KEY", "AZURE_OPENAI_API_KEY", "OPENROUTER_API_KEY" })
        {
            Environment.SetEnvironmentVariable(variable, Environment.GetEnvironmentVariable(variable) ?? "sk-sample-test");
        }

        var sample = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "samples", "gatehouse.example.json"), Ct);
        await using var server = await GatehouseServer.StartAsync(sample);
        using var client = server.CreateClient();
        var ids = await ModelIdsAsync(client);
        Assert.Superset(new HashSet<string> { "gpt-4o-mini", "gpt-4o", "llama", "claude-sonnet", "flaky", "sim-small" }, ids.ToHashSet());
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Gatehouse.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Repository root not found.");
    }

    private static async Task<string[]> ModelIdsAsync(HttpClient client)
    {
        var json = JsonDocument.Parse(await client.GetStringAsync("v1/models", Ct));
        return json.RootElement.GetProperty("data").EnumerateArray().Select(m => m.GetProperty("id").GetString()!).ToArray();
    }

    private static async Task<bool> WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (DateTime.UtcNow < deadline)
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100, Ct);
        }

        return false;
    }
}
