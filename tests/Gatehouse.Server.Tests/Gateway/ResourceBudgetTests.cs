using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Gateway;

/// <summary>Tests that measure the process's own CPU time and allocations run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(ResourceBudgetGroup), DisableParallelization = true)]
public sealed class ResourceBudgetGroup;

/// <summary>
/// One request cannot take a core or the memory: inputs that used to cost seconds to minutes of CPU
/// (token counting was quadratic in an unbroken run of characters) or gigabytes (the simulator
/// allocated what <c>dimensions</c> asked for) finish within a small, fixed budget. The budgets are
/// process CPU time and allocated bytes, generous enough for a busy two-core machine and far below
/// what the old code spent (18 s of CPU for 200,000 <c>a</c>s; minutes for 15 MB; 3 GB).
/// </summary>
[Collection(nameof(ResourceBudgetGroup))]
public sealed class ResourceBudgetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CountTokens_200kUnbrokenRun_TakesASmallFixedCpuBudget()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient();
        await WarmUpAsync(client);

        var cpu = CpuTime();
        using var response = await client.PostAsync("v1/messages/count_tokens", GatehouseServer.Json(AnthropicBody(new string('a', 200_000))), Ct);
        var spent = CpuTime() - cpu;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var tokens = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("input_tokens").GetInt32();
        Assert.InRange(tokens, 25_000, 25_100); // o200k: 8 a's a token
        Assert.True(spent < TimeSpan.FromSeconds(3), $"counting 200,000 a's took {spent.TotalSeconds:F2} s of CPU");
    }

    [Fact]
    public async Task CountTokens_15MegabyteUnbrokenRun_FinishesWithinAGenerousCpuBudget()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient();
        await WarmUpAsync(client);

        var cpu = CpuTime();
        using var response = await client.PostAsync("v1/messages/count_tokens", GatehouseServer.Json(AnthropicBody(new string('a', 15_000_000))), Ct);
        var spent = CpuTime() - cpu;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.InRange(JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("input_tokens").GetInt32(), 1_875_000, 1_880_000);
        Assert.True(spent < TimeSpan.FromSeconds(30), $"counting 15,000,000 a's took {spent.TotalSeconds:F2} s of CPU");
    }

    [Fact]
    public async Task ChatCompletions_TokenLimitEstimateOf200kUnbrokenRun_TakesASmallFixedCpuBudget()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = await KeyClientAsync(server, new { name = "tpm", tokensPerMinute = 1000 });
        await WarmUpAsync(server.CreateClient());
        // A call larger than a whole minute still goes alone when the bucket is full; this one takes a little first.
        using (var small = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(ChatBody("hi", ""","max_tokens":5""")), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        }

        var cpu = CpuTime();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(ChatBody(new string('a', 200_000))), Ct);
        var spent = CpuTime() - cpu;

        // The estimate (~25,000 tokens) is what refuses the call: it was counted, and cheaply.
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Contains("this call needs about 250", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(spent < TimeSpan.FromSeconds(3), $"estimating 200,000 a's took {spent.TotalSeconds:F2} s of CPU");
    }

    [Fact]
    public async Task ChatCompletions_ClientLeavesDuringTheEstimateOf15Megabytes_TheWorkStopsAndIsRecorded()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = await KeyClientAsync(server, new { name = "tpm", tokensPerMinute = 1000 });
        using var leave = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        leave.CancelAfter(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
            client.PostAsync("v1/chat/completions", GatehouseServer.Json(ChatBody(new string('a', 15_000_000))), leave.Token));

        // The count stops when the client leaves; before, it went on for minutes and the record came after it.
        var record = Assert.Single(await server.WaitForRecordsAsync(1));
        Assert.Equal(499, record.StatusCode);
        Assert.Equal("client_closed_request", record.ErrorClass);
    }

    [Fact]
    public async Task ToolPrefilter_HugeConversationAgainstThousandsOfTools_RanksWithinASmallCpuBudget()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient();
        client.DefaultRequestHeaders.Add("x-gatehouse-tools", "prefilter");
        await WarmUpAsync(client);

        // 20,000 tools with a word of their own, and a user message of 100,000 distinct words that
        // names them all: ranking term by tool was 2,000,000,000 look-ups.
        const int Tools = 20_000, Words = 100_000;
        var body = new StringBuilder("{\"model\":\"sim-small\",\"max_tokens\":5,\"messages\":[{\"role\":\"user\",\"content\":\"");
        for (var i = 0; i < Words; i++)
        {
            body.Append(Word(i)).Append(' ');
        }

        body.Append("\"}],\"tools\":[");
        for (var i = 0; i < Tools; i++)
        {
            body.Append(i == 0 ? "" : ",").Append("{\"type\":\"function\",\"function\":{\"name\":\"t").Append(i)
                .Append("\",\"description\":\"").Append(Word(i * 5)).Append("\"}}");
        }

        body.Append("]}");

        var cpu = CpuTime();
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body.ToString()), Ct);
        var spent = CpuTime() - cpu;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("20000", response.Headers.GetValues("x-gatehouse-tools-offered").Single());
        Assert.True(spent < TimeSpan.FromSeconds(10), $"prefiltering 20,000 tools against 100,000 words took {spent.TotalSeconds:F2} s of CPU");

        // Five letters from the number: distinct words the term tokenizer keeps whole.
        static string Word(int n) => string.Create(5, n, static (span, value) =>
        {
            for (var i = 0; i < span.Length; i++, value /= 26)
            {
                span[i] = (char)('a' + (value % 26));
            }
        });
    }

    [Theory]
    [InlineData("""{"type":"array","minItems":100000000,"items":{"type":"string","minLength":100000000}}""")]
    [InlineData("""{"type":"object","properties":{"a":{"$ref":"#"},"b":{"$ref":"#"},"c":{"$ref":"#"},"d":{"$ref":"#"}},"required":["a","b","c","d"]}""")]
    [InlineData("""{"type":"array","minItems":2147483647,"maxItems":2147483647,"items":{"type":"number","minimum":-1.7e308,"maximum":1.7e308}}""")]
    public async Task Simulator_StructuredOutputSchemaAskingForTooMuch_IsCutShortWithinAFixedBudget(string schema)
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient();
        await WarmUpAsync(client);
        var body = ChatBody("Fill it.", $$$""","response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{{{schema}}}}}""");

        var cpu = CpuTime();
        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        var spent = CpuTime() - cpu;
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        Assert.True(spent < TimeSpan.FromSeconds(10), $"the answer took {spent.TotalSeconds:F2} s of CPU");
        Assert.True(bytes < 1024L * 1024 * 1024, $"the answer allocated {bytes / (1024 * 1024)} MB");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("length", JsonDocument.Parse(text).RootElement.GetProperty("choices")[0].GetProperty("finish_reason").GetString());
    }

    [Fact(Timeout = 120_000)]
    public async Task Execution_OutputSchemaPatternThatBacktracksExponentially_FailsValidationWithinAFixedBudget()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var output = new string('a', 40) + "!";
        upstream.Handler = (context, _) => Executions.ExecutionFixture.AnswerAsync(context, $$"""{"code":"{{output}}"}""");
        await using var server = await GatehouseServer.StartAsync(upstream.Config("fake-model"));
        var call = Executions.ExecutionFixture.ReviewCall("fake-model") with
        {
            OutputSchema = Executions.ExecutionFixture.JsonOf("""{"type":"object","properties":{"code":{"type":"string","pattern":"^(a+)+$"}},"required":["code"]}"""),
        };

        var cpu = CpuTime();
        var execution = await server.GetService<global::Gatehouse.Executions.ExecutionEngine>().ExecuteAsync(
            Executions.ExecutionFixture.Request(Executions.ExecutionFixture.Admin(server), call), cancellationToken: TestContext.Current.CancellationToken);
        var spent = CpuTime() - cpu;

        // 2^40 ways to split 40 a's: without a match timeout this check would not end.
        Assert.Equal(global::Gatehouse.Executions.ExecutionStatuses.ValidationFailed, execution.Status);
        Assert.Contains(execution.ValidationErrors, e => e.Message.Contains("^(a+)+$", StringComparison.Ordinal));
        Assert.True(spent < TimeSpan.FromSeconds(10), $"validation took {spent.TotalSeconds:F2} s of CPU");
    }

    [Fact]
    public async Task SimulatorEmbeddings_DimensionsOf100Million_Is400WithoutAllocatingThem()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var client = server.CreateClient();
        using (var warm = await client.PostAsync("v1/embeddings", GatehouseServer.Json("""{"model":"sim-embedding","input":"warm up","dimensions":8}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, warm.StatusCode);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true);
        using var response = await client.PostAsync("v1/embeddings", GatehouseServer.Json("""{"model":"sim-embedding","input":"hello","dimensions":100000000}"""), Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        var bytes = GC.GetTotalAllocatedBytes(precise: true) - allocated;

        // It allocated 400 MB of floats and a 1.2 GB answer buffer per call (3 GB seen), and answered 502 after 25 s.
        Assert.True(bytes < 64L * 1024 * 1024, $"the refusal allocated {bytes / (1024 * 1024)} MB");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(body).RootElement.GetProperty("error");
        Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
        Assert.Equal("dimensions", error.GetProperty("param").GetString());
    }

    private static string AnthropicBody(string text) =>
        $$"""{"model":"sim-small","messages":[{"role":"user","content":"{{text}}"}]}""";

    private static string ChatBody(string text, string extra = "") =>
        $$"""{"model":"sim-small"{{extra}},"messages":[{"role":"user","content":"{{text}}"}]}""";

    /// <summary>Loads the tokenizer and JITs the path, so the measured call pays only for its input.</summary>
    private static async Task WarmUpAsync(HttpClient client)
    {
        using var response = await client.PostAsync("v1/messages/count_tokens", GatehouseServer.Json(AnthropicBody("warm up")), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static TimeSpan CpuTime()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private static async Task<HttpClient> KeyClientAsync(GatehouseServer server, object key)
    {
        using var admin = server.CreateClient();
        using var created = await admin.PostAsJsonAsync("api/keys", key, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        return server.CreateClient(JsonDocument.Parse(await created.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("key").GetString());
    }
}
