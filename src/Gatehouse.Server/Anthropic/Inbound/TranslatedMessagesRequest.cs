namespace Gatehouse.Anthropic.Inbound;

/// <summary>An Anthropic Messages request turned into an OpenAI chat completions body.</summary>
internal sealed class TranslatedMessagesRequest
{
    /// <summary>The <c>/v1/chat/completions</c> body (UTF-8 JSON) to run through the pipeline.</summary>
    public required ReadOnlyMemory<byte> OpenAIBody { get; init; }

    /// <summary>The model the client asked for, echoed back in the Anthropic answer.</summary>
    public required string Model { get; init; }

    public bool Stream { get; init; }

    /// <summary>
    /// The first field of the client's body the translation could not carry (<c>top_k</c>, a server
    /// tool…), as the error that names it; null when the translation says everything the body does.
    /// The body is sound: an Anthropic deployment takes it as it is, any other deployment refuses it with this.
    /// </summary>
    public AnthropicError? Untranslatable { get; init; }
}
