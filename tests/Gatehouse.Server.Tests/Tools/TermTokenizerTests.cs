using Gatehouse.Tools;
using Xunit;

namespace Gatehouse.Tests.Tools;

public sealed class TermTokenizerTests
{
    [Theory]
    [InlineData("getWeatherForecast", "weather forecas")]
    [InlineData("get_weather_forecast", "weather forecas")]
    [InlineData("math.factorial", "math factori")]
    [InlineData("HTMLParser", "html parser")]
    [InlineData("PDF&URLTool", "pdf url tool")]
    [InlineData("sendEmail2User", "send email2user")]
    public void Identifiers_SplitAtCaseUnderscoresAndDots(string text, string expected) // stems are cut at seven letters
    {
        var terms = TermTokenizer.Terms(text);

        Assert.Equal(expected.Split(' '), terms.Where(t => t != "get"));
    }

    [Fact]
    public void EnglishForms_MeetAtOneStem()
    {
        Assert.Equal(TermTokenizer.Terms("flights"), TermTokenizer.Terms("flight"));
        Assert.Equal(TermTokenizer.Terms("queries"), TermTokenizer.Terms("query"));
        Assert.Equal(TermTokenizer.Terms("creating"), TermTokenizer.Terms("create"));
        Assert.Equal(TermTokenizer.Terms("recommendation"), TermTokenizer.Terms("recommend"));
    }

    [Fact]
    public void StopWords_AreDropped()
    {
        Assert.Equal(["weather", "paris"], TermTokenizer.Terms("What is the weather in Paris?"));
    }

    [Fact]
    public void ChineseText_BecomesCharacterPairs()
    {
        Assert.Equal(["天气", "气预", "预报"], TermTokenizer.Terms("天气预报"));
    }

    [Theory]
    [InlineData("Thời tiết ở Hà Nội", "thời tiết ở hà nội")]
    [InlineData("Погода в Москве", "погода в москве")]
    [InlineData("Previsão de tempo", "previsão de tempo")]
    public void OtherScripts_AreWordsInLowerCase(string text, string expected)
    {
        Assert.Equal(expected.Split(' '), TermTokenizer.Terms(text));
    }

    [Fact]
    public void OddInput_NeverThrows()
    {
        var terms = TermTokenizer.Terms("\uD800 lone surrogate \u0000 control 😀 emoji " + new string('x', 500));

        Assert.Equal(["lone", "surroga", "control", "emoji"], terms);
    }

    [Theory]
    [InlineData("calendar_*", "calendar_create", true)]
    [InlineData("calendar_*", "Calendar_Delete", true)]
    [InlineData("calendar_*", "get_calendar", false)]
    [InlineData("*.search", "docs.search", true)]
    [InlineData("get_?", "get_x", true)]
    [InlineData("get_weather", "get_weather", true)]
    [InlineData("get_weather", "get_weather_now", false)]
    public void NamePatterns_MatchGlobs(string pattern, string name, bool expected)
    {
        Assert.Equal(expected, new ToolNamePattern(pattern).Matches(name));
    }
}
