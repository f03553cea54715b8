using Gatehouse.Tools;
using Xunit;

namespace Gatehouse.Tests.Tools;

public sealed class ToolSelectorTests
{
    private static readonly ToolSelectionSettings Settings = ToolSelectionSettings.Default with { MinTools = 1, MaxTools = 5, MinSavedTokens = 0 };

    private static ToolSignals Asking(string message)
    {
        var signals = new ToolSignals();
        signals.AddMessage("user", message, 0);
        return signals;
    }

    [Fact]
    public void Ranker_PutsTheRelevantToolFirst()
    {
        var tools = ToolCatalog.Profiles();
        var scores = new float[tools.Count];

        Bm25ToolRanker.Score(tools, Asking("What's the weather forecast in Lisbon tomorrow?").Query, ToolRanking.Default, scores);

        Assert.Equal("get_weather", tools[Array.IndexOf(scores, scores.Max())].Name);
        Assert.Equal(0f, scores[tools.FindIndex(t => t.Name == "play_music")]);
    }

    [Fact]
    public void ClearWinner_KeepsFew()
    {
        var tools = ToolCatalog.Profiles();

        var selection = ToolSelector.Select(tools, Asking("Please convert 100 dollars to euros, which currency rate applies?"), Settings);

        Assert.Contains("convert_currency", ToolCatalog.KeptNames(tools, selection));
        Assert.True(selection.KeptCount <= 2, $"kept {string.Join(", ", ToolCatalog.KeptNames(tools, selection))}");
    }

    [Fact]
    public void FlatField_KeepsMore_UpToTheMaximum()
    {
        var tools = ToolCatalog.Profiles();

        // Every tool matches one word equally: nothing stands out, so the cut keeps the most it may.
        var selection = ToolSelector.Select(tools, Asking("city email calendar stock music alarm weather flight"), Settings);

        Assert.Equal(Settings.MaxTools, selection.KeptCount);
    }

    [Fact]
    public void ToolsUsedEarlier_ForcedAndPinned_AreAlwaysKept()
    {
        var tools = ToolCatalog.Profiles();
        var signals = Asking("What's the weather in Rome?");
        signals.UsedTools.Add("send_email");
        signals.ForcedTool = "set_alarm";
        var settings = Settings with { MaxTools = 1, Pinned = [new ToolNamePattern("play_*")] };

        var kept = ToolCatalog.KeptNames(tools, ToolSelector.Select(tools, signals, settings));

        Assert.Equal(["get_weather", "send_email", "play_music", "set_alarm"], kept);
    }

    [Fact]
    public void Category_PullsInItsOtherMembers()
    {
        var tools = ToolCatalog.Profiles();
        var settings = Settings with { MaxTools = 1, Categories = [new ToolCategory("travel", [new ToolNamePattern("book_flight"), new ToolNamePattern("search_hotels")])] };

        var kept = ToolCatalog.KeptNames(tools, ToolSelector.Select(tools, Asking("Book me a flight to Tokyo"), settings));

        Assert.Equal(["book_flight", "search_hotels"], kept);
    }

    [Fact]
    public void FewTools_AreAllKept()
    {
        var tools = ToolCatalog.Profiles().Take(3).ToList();

        var selection = ToolSelector.Select(tools, Asking("Play some jazz"), ToolSelectionSettings.Default);

        Assert.True(selection.KeepsAll);
    }

    [Fact]
    public void CutSavingTooLittle_SendsEveryTool()
    {
        var tools = ToolCatalog.Profiles();
        var message = Asking("Please convert 100 dollars to euros, which currency rate applies?");
        var narrow = ToolSelector.Select(tools, message, Settings);
        var saved = tools.Where((_, i) => !narrow.Kept[i]).Sum(t => t.Tokens);
        const int searchToolTokens = 83;

        var notWorthIt = ToolSelector.Select(tools, message, Settings with { MinSavedTokens = saved - searchToolTokens + 1 }, addedTokens: searchToolTokens);
        var worthIt = ToolSelector.Select(tools, message, Settings with { MinSavedTokens = saved - searchToolTokens }, addedTokens: searchToolTokens);

        Assert.False(narrow.KeepsAll);
        Assert.True(notWorthIt.KeepsAll);
        Assert.Equal(narrow.Kept, worthIt.Kept);
    }

    [Fact]
    public void BlendedScores_AreCutWithTheEmbeddingCutoff()
    {
        var tools = ToolCatalog.Profiles();
        var message = Asking("city email calendar stock music alarm weather flight");
        // Lexically flat; by similarity one tool stands far above the rest.
        var similarity = tools.Select(t => t.Name == "get_weather" ? 0.9f : 0.1f).ToArray();
        var blended = Settings with { EmbeddingWeight = 0.8f, MinTools = 1, RelativeCutoff = 0f };

        var strict = ToolSelector.Select(tools, message, blended with { EmbeddingCutoff = 0.9f }, similarity);
        var loose = ToolSelector.Select(tools, message, blended with { EmbeddingCutoff = 0f }, similarity);

        Assert.Equal(["get_weather"], ToolCatalog.KeptNames(tools, strict));
        Assert.Equal(Settings.MaxTools, loose.KeptCount);
    }

    [Fact]
    public void NonEnglishQuery_StillRanks()
    {
        var tools = ToolCatalog.Profiles();
        var scores = new float[tools.Count];

        Bm25ToolRanker.Score(tools, Asking("天气 weather 在北京").Query, ToolRanking.Default, scores);

        Assert.Equal("get_weather", tools[Array.IndexOf(scores, scores.Max())].Name);
    }
}
