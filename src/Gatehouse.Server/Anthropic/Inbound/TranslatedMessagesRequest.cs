namespace Gatehouse.Anthropic.Inbound;

/// <summary>An Anthropic Messages request turned into an OpenAI chat completions body.</summary>
internal sealed class TranslatedMessagesRequest
{
    /// <summary>The <c>/v1/chat/completions</c> body (UTF-8 JSON) to run through the pipeline.</summary>
    public required ReadOnlyMemory<byte> OpenAIBody { get; init; }

    /// <summary>The model the client asked for, echoed back in the Anthropic answer.</summary>
    public required string Model { get; init; }

    public bool Stream { get; init; }
}
