namespace Gatehouse.OpenAI.Responses;

/// <summary>A Responses API request turned into an OpenAI chat completions body, with what the answer must echo.</summary>
internal sealed class TranslatedResponsesRequest
{
    /// <summary>The <c>/v1/chat/completions</c> body (UTF-8 JSON) to run through the pipeline.</summary>
    public required ReadOnlyMemory<byte> ChatBody { get; init; }

    /// <summary>The request's settings the response object repeats (model, instructions, tools, text, …), as one JSON object.</summary>
    public required ResponseEcho Echo { get; init; }

    public bool Stream { get; init; }
}
