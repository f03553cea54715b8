using Gatehouse.Tools;
using Xunit;

namespace Gatehouse.Tests.Tools;

public sealed class IdentifierWordsTests
{
    [Theory]
    [InlineData("get_weather", "get weather")]
    [InlineData("CompanyInfoTool", "Company Info Tool")]
    [InlineData("HTMLParser", "HTML Parser")]
    [InlineData("fs.read-file", "fs read file")]
    [InlineData("send_message__v3", "send message v3")]
    [InlineData("AI2sql", "AI2sql")]
    [InlineData("getV2Results", "get V2 Results")]
    [InlineData("天气_查询", "天气 查询")]
    [InlineData("", "")]
    public void Split_GivesTheWords(string identifier, string words) => Assert.Equal(words, IdentifierWords.Split(identifier));
}
