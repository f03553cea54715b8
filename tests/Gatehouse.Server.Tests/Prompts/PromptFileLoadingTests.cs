using System.Net;
using Gatehouse.Configuration;
using Gatehouse.Tests.Support;
using Xunit;
using static Gatehouse.Tests.Prompts.PromptFixture;

namespace Gatehouse.Tests.Prompts;

/// <summary>Prompts loaded from <c>Gatehouse:Prompts:Directory</c> at start: same content, same version; changed content, new version; production follows the file.</summary>
public sealed class PromptFileLoadingTests
{
    private const string Summarize = """
        {
          // Comments are allowed in prompt files.
          "description": "Summarizes a text",
          "tags": ["files"],
          "model": "sim-small",
          "variables": [{ "name": "text", "type": "string", "required": true }],
          "messages": [{ "role": "user", "content": "Summarize: {{text}}" }],
        }
        """;

    private static string ConfigFor(string directory) =>
        With(Config, "Gatehouse", $$"""{ "Prompts": { "SeedDemo": false, "Directory": "{{directory.Replace("\\", "\\\\", StringComparison.Ordinal)}}" } }""");

    [Fact]
    public async Task Files_AreLoaded_Idempotently_AndProductionFollowsTheFile()
    {
        var data = TempDirectory.Create();
        var prompts = Directory.CreateDirectory(Path.Combine(data, "prompts")).FullName;
        var file = Path.Combine(prompts, "summarize.json");
        await File.WriteAllTextAsync(file, Summarize, Ct);
        await File.WriteAllTextAsync(Path.Combine(prompts, "other.json"), Without(Greeting, "labels"), Ct);
        await File.WriteAllTextAsync(Path.Combine(prompts, "notes.txt"), "not a prompt", Ct);

        await using (var server = await StartAsync(ConfigFor(prompts), data))
        {
            using var admin = server.CreateClient();
            var loaded = (await GetAsync(admin, "api/prompts/summarize")).Body;
            Assert.Equal("file", loaded.GetProperty("source").GetString());
            Assert.Equal(1, loaded.GetProperty("labels").GetProperty("production").GetInt32());
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(admin, "api/prompts/greeting")).Status);
            Assert.Equal(["Summarize: the news"], Contents((await PostAsync(admin, "api/prompts/summarize/render", """{"inputs":{"text":"the news"}}""")).Body));
        }

        // Same content again: nothing new.
        await using (var server = await StartAsync(ConfigFor(prompts), data))
        {
            var again = (await GetAsync(server.CreateClient(), "api/prompts/summarize")).Body;
            Assert.Equal(1, again.GetProperty("latestVersion").GetInt32());
        }

        // Changed content: version 2, and production moves to it.
        await File.WriteAllTextAsync(file, Summarize.Replace("Summarize: {{text}}", "TL;DR of {{text}}", StringComparison.Ordinal).Replace("Summarizes a text", "Short summaries", StringComparison.Ordinal), Ct);
        await using (var server = await StartAsync(ConfigFor(prompts), data))
        {
            using var admin = server.CreateClient();
            var changed = (await GetAsync(admin, "api/prompts/summarize")).Body;
            Assert.Equal(2, changed.GetProperty("latestVersion").GetInt32());
            Assert.Equal(2, changed.GetProperty("labels").GetProperty("production").GetInt32());
            Assert.Equal("Short summaries", changed.GetProperty("description").GetString());
            Assert.Equal(["TL;DR of x"], Contents((await PostAsync(admin, "api/prompts/summarize/render", """{"inputs":{"text":"x"}}""")).Body));
        }

        // Back to the first content: no version 3, production points at version 1 again.
        await File.WriteAllTextAsync(file, Summarize, Ct);
        await using (var server = await StartAsync(ConfigFor(prompts), data))
        {
            var reverted = (await GetAsync(server.CreateClient(), "api/prompts/summarize")).Body;
            Assert.Equal(2, reverted.GetProperty("latestVersion").GetInt32());
            Assert.Equal(1, reverted.GetProperty("labels").GetProperty("production").GetInt32());
        }
    }

    [Fact]
    public async Task InvalidFiles_StopTheStart_NamingFileAndField()
    {
        var data = TempDirectory.Create();
        var prompts = Directory.CreateDirectory(Path.Combine(data, "prompts")).FullName;
        await File.WriteAllTextAsync(Path.Combine(prompts, "typo.json"), With(Without(Greeting, "labels"), "model", "\"sim-huge\""), Ct);
        await File.WriteAllTextAsync(Path.Combine(prompts, "unknown-field.json"), """{ "model": "sim-small", "mesages": [] }""", Ct);

        var error = await Assert.ThrowsAsync<GatehouseConfigurationException>(() => StartAsync(ConfigFor(prompts), data));

        Assert.Contains("typo.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("model:", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown-field.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("mesages", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingDirectory_StopsTheStart()
    {
        var data = TempDirectory.Create();

        var error = await Assert.ThrowsAsync<GatehouseConfigurationException>(() => StartAsync(ConfigFor(Path.Combine(data, "nowhere")), data));

        Assert.Contains("Gatehouse:Prompts:Directory", error.Message, StringComparison.Ordinal);
    }
}
