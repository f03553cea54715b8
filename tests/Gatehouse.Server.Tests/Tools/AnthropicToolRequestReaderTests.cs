using System.Text;
using Gatehouse.Configuration;
using Gatehouse.Tools;
using Gatehouse.Usage;
using Microsoft.Extensions.Options;
using Xunit;

namespace Gatehouse.Tests.Tools;

/// <summary>What <see cref="AnthropicToolRequestReader"/> reads from a <c>/v1/messages</c> body, and what the selector then keeps.</summary>
public sealed class AnthropicToolRequestReaderTests
{
    private const string WebSearch = """{"type":"web_search_20250305","name":"web_search","max_uses":5}""";

    private static readonly ToolSelectionSettings Settings = new() { MinTools = 3, MaxTools = 3 };

    private static ToolRequest Read(string body) =>
        AnthropicToolRequestReader.Read(Encoding.UTF8.GetBytes(body), new ToolProfileCache(TiktokenTokenCounter.Instance, new StaticOptions()))
        ?? throw new Xunit.Sdk.XunitException("no tool request");

    private static string Body(string messages, string extra = "", string? tools = null) =>
        $$"""{"model":"claude","max_tokens":10,"messages":{{messages}},"tools":{{tools ?? ToolCatalog.AnthropicToolsJson()}}{{extra}}}""";

    private static string Term(string word) => Assert.Single(TermTokenizer.Terms(word));

    private static string[] Kept(ToolRequest request) =>
        [.. request.Profiles.Where((_, i) => ToolSelector.Select(request.Profiles, request.Signals, Settings).Kept[i]).Select(p => p.Name)];

    [Fact]
    public void ServerTool_IsKeptWhateverItsScore_AndClientToolsAreRankedAsUsual()
    {
        var request = Read(Body("""[{"role":"user","content":"What's the weather forecast in Lisbon?"}]""", tools: "[" + WebSearch + "," + ToolCatalog.AnthropicToolsJson()[1..]));

        Assert.Equal(31, request.Count);
        Assert.True(request.Profiles[0].AlwaysKept);
        Assert.Equal("web_search", request.Profiles[0].Name);
        Assert.DoesNotContain(request.Profiles.Skip(1), p => p.AlwaysKept);
        var kept = Kept(request);
        Assert.Contains("web_search", kept);
        Assert.Contains("get_weather", kept);
        Assert.DoesNotContain("play_music", kept);
    }

    [Fact]
    public void Profiles_AreBuiltFromInputSchema_AndCountTheDefinitionsTokens()
    {
        var request = Read(Body("""[{"role":"user","content":"hi"}]"""));

        var weather = request.Profiles[0];
        Assert.Equal("get_weather", weather.Name);
        Assert.True(weather.Terms.ContainsKey(Term("city"))); // the input_schema's parameter name
        Assert.True(weather.Terms.ContainsKey(Term("forecast"))); // the description
        Assert.Equal(TiktokenTokenCounter.Instance.CountTokens(ToolCatalog.AnthropicDefinition("get_weather", ToolCatalog.Tools[0].Description, "city"), TestContext.Current.CancellationToken), weather.Tokens);
    }

    [Fact]
    public void ToolResults_AreData_NotIntent_AndATurnOfToolResultsIsNotAUserTurn()
    {
        // The tool result talks about currencies; the user asked about the weather in the turn before it.
        var request = Read(Body("""
            [{"role":"user","content":[{"type":"text","text":"What's the weather forecast in Lisbon?"}]},
             {"role":"assistant","content":[{"type":"tool_use","id":"t1","name":"get_weather","input":{"city":"Lisbon"}}]},
             {"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","content":[{"type":"text","text":"convert currency money exchange stock price"}]}]}]
            """));

        Assert.Contains("get_weather", request.Signals.UsedTools);
        Assert.Equal("What's the weather forecast in Lisbon?", request.Signals.LastUserText);
        Assert.False(request.Signals.Query.Weights.ContainsKey(Term("currency")));
        Assert.DoesNotContain("convert_currency", Kept(request));
    }

    [Fact]
    public void SystemPrompt_StringOrTextBlocks_AddsInstructionTerms()
    {
        var asString = Read(Body("""[{"role":"user","content":"hi"}]""", extra: ",\"system\":\"Always check the weather forecast.\"")).Signals.Query.Weights;
        var asBlocks = Read(Body("""[{"role":"user","content":"hi"}]""", extra: ""","system":[{"type":"text","text":"Always check the weather forecast."}]""")).Signals.Query.Weights;

        Assert.True(asString[Term("forecast")] > 0);
        Assert.Equal(asString[Term("forecast")], asBlocks[Term("forecast")]);
        Assert.True(asString[Term("forecast")] < 1); // instructions weigh less than the user's words
    }

    [Theory]
    [InlineData("""{"type":"tool","name":"get_stock_price"}""", "get_stock_price", true)]
    [InlineData("""{"type":"none"}""", null, true)]
    [InlineData("""{"type":"any"}""", null, false)]
    [InlineData("""{"type":"auto","disable_parallel_tool_use":true}""", null, false)]
    public void ToolChoice_ForcesOrRestrictsLikeOpenAIs(string choice, string? forced, bool restricts)
    {
        var request = Read(Body("""[{"role":"user","content":"hi"}]""", extra: ",\"tool_choice\":" + choice));

        Assert.Equal(forced, request.Signals.ForcedTool);
        Assert.Equal(restricts, request.ToolChoiceRestricts);
    }

    [Fact]
    public void ToolsThatAreNotObjects_OrNoTools_GiveNothingToFilter()
    {
        var profiles = new ToolProfileCache(TiktokenTokenCounter.Instance, new StaticOptions());

        Assert.Null(AnthropicToolRequestReader.Read(Encoding.UTF8.GetBytes("""{"model":"claude","messages":[],"tools":[1,2]}"""), profiles, TestContext.Current.CancellationToken));
        Assert.Null(AnthropicToolRequestReader.Read(Encoding.UTF8.GetBytes("""{"model":"claude","messages":[],"tools":[]}"""), profiles, TestContext.Current.CancellationToken));
        Assert.Null(AnthropicToolRequestReader.Read(Encoding.UTF8.GetBytes("""{"model":"claude","messages":[]}"""), profiles, TestContext.Current.CancellationToken));
    }

    [Fact]
    public void SearchCall_IsFoundInAMessagesAnswer()
    {
        const string answer = """{"type":"message","content":[{"type":"text","text":"Let me look."},{"type":"tool_use","id":"t","name":"search_tools","input":{"query":"convert money"}}]}""";

        Assert.Equal("convert money", SearchCallReader.FromMessage(Encoding.UTF8.GetBytes(answer), "search_tools"));
        Assert.Null(SearchCallReader.FromMessage(Encoding.UTF8.GetBytes(answer), "other_search"));
        Assert.Null(SearchCallReader.FromMessage("not json"u8, "search_tools"));
    }

    private sealed class StaticOptions : IOptionsMonitor<GatehouseOptions>
    {
        public GatehouseOptions CurrentValue { get; } = new();

        public GatehouseOptions Get(string? name) => CurrentValue;

        public IDisposable? OnChange(Action<GatehouseOptions, string?> listener) => null;
    }
}
