using Anthropic.Exceptions;
using Anthropic.Models;
using Anthropic.Models.Messages;
using Gatehouse.AnthropicSdkTests.Support;
using Xunit;

namespace Gatehouse.AnthropicSdkTests;

/// <summary>Gatehouse's own rejections, as the official Anthropic SDK surfaces them.</summary>
public sealed class ErrorsThroughAnthropicSdkTests : SdkTestBase
{
    [Fact]
    public async Task UnknownModel_IsTheSdksNotFoundException_404_AndIsRecorded()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<AnthropicNotFoundException>(() => client.Messages.Create(Params("no-such-model"), Ct));

        Assert.Equal(404, (int)ex.StatusCode);
        Assert.Equal(ErrorType.NotFoundError, ex.Type!.Value());
        Assert.Contains("no-such-model", ex.ApiMessage, StringComparison.Ordinal);
        var record = await SingleMessagesRecordAsync();
        Assert.Equal(404, record.StatusCode);
        Assert.Equal("no-such-model", record.RequestedModel);
    }

    [Fact]
    public async Task WrongKey_IsTheSdksUnauthorizedException_401_AndLeavesNoRecord()
    {
        using var wrong = Client(key: "sk-gh-wrong");

        var ex = await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => wrong.Messages.Create(Params(Simulator), Ct));

        Assert.Equal(401, (int)ex.StatusCode);
        Assert.Equal(ErrorType.AuthenticationError, ex.Type!.Value());

        // A valid call afterwards is then the only record.
        using var client = Client();
        await client.Messages.Create(Params(Simulator, maxTokens: 5), Ct);
        var record = await SingleMessagesRecordAsync();
        Assert.Equal(200, record.StatusCode);
    }

    [Fact]
    public async Task WrongKey_Streaming_IsUnauthorizedBeforeAnyEvent()
    {
        using var wrong = Client(key: "sk-gh-wrong");

        var ex = await Assert.ThrowsAsync<AnthropicUnauthorizedException>(async () => await StreamAsync(wrong, Params(Simulator)));

        Assert.Equal(401, (int)ex.StatusCode);
    }

    [Fact]
    public async Task UnknownModel_Streaming_IsNotFoundBeforeAnyEvent()
    {
        using var client = Client();

        var ex = await Assert.ThrowsAsync<AnthropicNotFoundException>(async () => await StreamAsync(client, Params("no-such-model")));

        Assert.Equal(404, (int)ex.StatusCode);
    }

    [Fact]
    public async Task CountTokens_UnknownModel_404_WrongKey_401()
    {
        using var client = Client();
        using var wrong = Client(key: "sk-gh-wrong");
        var parameters = new MessageCountTokensParams { Model = "no-such-model", Messages = [new UserMessageParam("hi")] };

        var notFound = await Assert.ThrowsAsync<AnthropicNotFoundException>(() => client.Messages.CountTokens(parameters, Ct));
        var unauthorized = await Assert.ThrowsAsync<AnthropicUnauthorizedException>(() => wrong.Messages.CountTokens(parameters with { Model = Simulator }, Ct));

        Assert.Equal(ErrorType.NotFoundError, notFound.Type!.Value());
        Assert.Equal(ErrorType.AuthenticationError, unauthorized.Type!.Value());
    }
}
