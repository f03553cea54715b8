using System.ClientModel;
using System.ClientModel.Primitives;
using System.Text;
using OpenAI;
using OpenAI.Chat;
using OpenAI.Embeddings;
using Xunit;

namespace Gatehouse.Tests.Simulator;

/// <summary>The official OpenAI .NET SDK parses what the simulator sends: the wire shape is right.</summary>
public sealed class SimulatorOpenAISdkTests : IDisposable
{
    private readonly SimulatorHarness _sim = new();

    [Fact]
    public async Task OpenAISdk_CompleteChat_ParsesAnswerAndUsage()
    {
        var client = Client().GetChatClient("sim-fast");
        ChatCompletion completion = await client.CompleteChatAsync(
            [new UserChatMessage("Tell me about gardens.")], new ChatCompletionOptions { MaxOutputTokenCount = 20 }, TestContext.Current.CancellationToken);

        Assert.Equal(ChatFinishReason.Length, completion.FinishReason);
        Assert.False(string.IsNullOrEmpty(completion.Content[0].Text));
        Assert.InRange(completion.Usage.OutputTokenCount, 1, 20);
        Assert.Equal("gatehouse-simulator", completion.SystemFingerprint);
    }

    [Fact]
    public async Task OpenAISdk_StreamingChat_ReassemblesTextAndUsage()
    {
        var client = Client().GetChatClient("sim-fast");
        var text = new StringBuilder();
        ChatTokenUsage? usage = null;
        ChatFinishReason? finish = null;
        await foreach (var update in client.CompleteChatStreamingAsync(
            [new UserChatMessage("Tell me about rivers.")], new ChatCompletionOptions(), TestContext.Current.CancellationToken))
        {
            foreach (var part in update.ContentUpdate) text.Append(part.Text);
            usage ??= update.Usage;
            finish ??= update.FinishReason;
        }

        Assert.Equal(ChatFinishReason.Stop, finish);
        Assert.NotNull(usage);
        Assert.Equal(TiktokenCounter.Instance.CountTokens(text.ToString(), TestContext.Current.CancellationToken), usage.OutputTokenCount);
    }

    [Fact]
    public async Task OpenAISdk_Embeddings_ParsesVector()
    {
        var client = Client().GetEmbeddingClient("sim-fast");
        OpenAIEmbedding embedding = await client.GenerateEmbeddingAsync(
            "hello", new EmbeddingGenerationOptions { Dimensions = 32 }, TestContext.Current.CancellationToken);
        Assert.Equal(32, embedding.ToFloats().Length);
    }

    public void Dispose() => _sim.Dispose();

    private OpenAIClient Client() => new(
        new ApiKeyCredential("sk-simulator"),
        new OpenAIClientOptions { Endpoint = _sim.Client.BaseAddress, Transport = new HttpClientPipelineTransport(_sim.Client) });
}
