using Gatehouse.Keys;

namespace Gatehouse.Executions;

/// <summary>One chat completion to send through the pipeline in process.</summary>
/// <param name="Caller">Whose call it is: their key's access, limits, routing, budgets and records apply.</param>
/// <param name="Body">The OpenAI chat completion request, as a client would send it.</param>
/// <param name="Headers">Extra request headers (<c>x-gatehouse-*</c> overrides), as a client would send them.</param>
/// <param name="OnBody">Sees each piece of the answer's body as the pipeline writes it (a stream's events as they come).</param>
internal sealed record PipelineCall(
    CallerIdentity Caller,
    byte[] Body,
    IReadOnlyDictionary<string, string>? Headers = null,
    Action<ReadOnlySpan<byte>>? OnBody = null);
