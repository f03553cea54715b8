using Gatehouse.Tools;
using Xunit;

namespace Gatehouse.Tests.Tools;

public sealed class TextScriptTests
{
    [Theory]
    [InlineData("What is the weather in Paris tomorrow?", true)]
    [InlineData("Quel temps fera-t-il demain à Lyon ?", true)]
    [InlineData("Wie wird das Wetter morgen in München?", true)]
    [InlineData("Thời tiết ngày mai ở Hà Nội thế nào?", true)] // Vietnamese: Latin Extended Additional
    [InlineData("1234 + 5678 = ?", true)] // no letters: nothing to decide on
    [InlineData("", true)]
    [InlineData(null, true)]
    [InlineData("明日の東京の天気を教えて", false)]
    [InlineData("明天北京的天气怎么样", false)]
    [InlineData("Какая завтра погода в Москве?", false)]
    [InlineData("Book a flight 東京から大阪まで明日の朝", false)] // mostly Japanese letters
    [InlineData("Book a flight to Osaka 明日", true)] // mostly Latin letters
    public void IsMostlyLatin_CountsLetters(string? text, bool expected) => Assert.Equal(expected, TextScript.IsMostlyLatin(text));
}
