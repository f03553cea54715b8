using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Tests.Support;
using Json.Schema;
using Xunit;
using static Gatehouse.Tests.Prompts.PromptFixture;

namespace Gatehouse.Tests.Prompts;

/// <summary>The demo prompts: seeded once into an empty database, and each renders and runs on the simulator with schema-valid output.</summary>
public sealed class DemoPromptTests
{
    private const string DemoConfig = """
        { "Gatehouse": { "Deployments": {
            "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
            "sim-medium": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
            "sim-large": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } } } } }
        """;

    private static readonly string[] s_demoSlugs =
    [
        "code-review", "support-reply", "value-prop-benefits", "value-prop-customers", "value-prop-products",
        "value-prop-solutions", "value-prop-synthesis", "value-prop-transformations",
    ];

    [Fact]
    public async Task FreshDatabase_IsSeeded_OnceAcrossRestarts()
    {
        var data = TempDirectory.Create();
        string firstIds;
        await using (var server = await GatehouseServer.StartAsync(DemoConfig, data))
        {
            var page = (await GetAsync(server.CreateClient(), "api/prompts?limit=100")).Body.GetProperty("items");
            Assert.Equal(s_demoSlugs, page.EnumerateArray().Select(p => p.GetProperty("slug").GetString()));
            Assert.All(page.EnumerateArray(), p => Assert.Equal("demo", p.GetProperty("source").GetString()));
            firstIds = page.GetRawText();

            // Archive one: the database still has prompts, so the next start seeds nothing.
            Assert.Equal(HttpStatusCode.OK, (await PostAsync(server.CreateClient(), "api/prompts/support-reply/archive", "")).Status);
        }

        await using (var server = await GatehouseServer.StartAsync(DemoConfig, data))
        {
            var all = (await GetAsync(server.CreateClient(), "api/prompts?limit=100&archived=all")).Body.GetProperty("items");
            Assert.Equal(s_demoSlugs.Length, all.GetArrayLength());
            Assert.All(all.EnumerateArray(), p => Assert.Equal(1, p.GetProperty("latestVersion").GetInt32()));
            Assert.Equal(
                JsonDocument.Parse(firstIds).RootElement.EnumerateArray().Select(p => p.GetProperty("id").GetString()),
                all.EnumerateArray().Select(p => p.GetProperty("id").GetString()));
        }
    }

    [Fact]
    public async Task SeedDemoOff_SeedsNothing()
    {
        await using var server = await StartAsync();

        Assert.Empty((await GetAsync(server.CreateClient(), "api/prompts?archived=all")).Body.GetProperty("items").EnumerateArray());
    }

    [Fact]
    public async Task EveryDemoPrompt_RendersAndRunsOnTheSimulator_WithSchemaValidOutput()
    {
        await using var server = await GatehouseServer.StartAsync(DemoConfig);
        using var admin = server.CreateClient();
        var withSchema = 0;
        foreach (var slug in s_demoSlugs)
        {
            var version = (await GetAsync(admin, $"api/prompts/{slug}/versions/production")).Body;
            var (status, rendered) = await PostAsync(admin, $"api/prompts/{slug}/render", $"{{\"inputs\":{SampleInputs(version)}}}");
            Assert.True(status == HttpStatusCode.OK, $"{slug}: {rendered}");
            Assert.All(Contents(rendered), content => Assert.DoesNotContain("{{", content, StringComparison.Ordinal));

            using var response = await admin.PostAsync("v1/chat/completions", GatehouseServer.Json(rendered.GetProperty("request").GetRawText()), Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode, $"{slug}: {body}");
            var content = JsonDocument.Parse(body).RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
            if (version.GetProperty("output").ValueKind == JsonValueKind.Object)
            {
                withSchema++;
                var schema = JsonSchema.FromText(version.GetProperty("output").GetProperty("schema").GetRawText());
                var result = schema.Evaluate(JsonDocument.Parse(content).RootElement);
                Assert.True(result.IsValid, $"{slug}: {content}");
            }
        }

        Assert.Equal(7, withSchema);
    }

    [Fact]
    public async Task SupportReply_RefusesAToneTheEnumDoesNotList()
    {
        await using var server = await GatehouseServer.StartAsync(DemoConfig);

        var (status, problem) = await PostAsync(server.CreateClient(), "api/prompts/support-reply/render", """{"inputs":{"customer_name":"Ann","message":"Where is my parcel?","tone":"sarcastic"}}""");

        Assert.Equal(HttpStatusCode.UnprocessableEntity, status);
        Assert.Contains("friendly, formal, apologetic", Errors(problem)["inputs.tone"][0], StringComparison.Ordinal);
    }

    /// <summary>A value of the right type for every variable of a version.</summary>
    private static string SampleInputs(JsonElement version)
    {
        var inputs = new JsonObject();
        foreach (var variable in version.GetProperty("variables").EnumerateArray())
        {
            inputs[variable.GetProperty("name").GetString()!] = variable.GetProperty("type").GetString() switch
            {
                "number" => 3,
                "boolean" => true,
                "enum" => variable.GetProperty("values")[0].GetString(),
                "array" => new JsonArray(new JsonObject { ["segment"] = "small teams", ["pain"] = "manual work" }, "plain item"),
                "object" => new JsonObject { ["k"] = "v" },
                _ => "sample text",
            };
        }

        return inputs.ToJsonString();
    }
}
