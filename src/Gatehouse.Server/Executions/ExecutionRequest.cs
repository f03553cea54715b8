using System.Text.Json;
using Gatehouse.Keys;

namespace Gatehouse.Executions;

/// <summary>One execution to run: a rendered call, on behalf of a caller, with what history needs to know about it.</summary>
internal sealed record ExecutionRequest
{
    /// <summary>Whose execution it is: the model call runs as this key (access, limits, budgets, records) and the execution belongs to its owner.</summary>
    public required CallerIdentity Caller { get; init; }

    public required RenderedCall Call { get; init; }

    /// <summary>The prompt and version it was rendered from; null for a call with no prompt behind it.</summary>
    public PromptReference? Prompt { get; init; }

    /// <summary>The variables as the caller gave them (a JSON object), kept for history.</summary>
    public JsonElement? Inputs { get; init; }

    public ExecutionOverrides? Overrides { get; init; }

    /// <summary>Stream the model's answer (each text delta goes to the engine's observer as it arrives).</summary>
    public bool Stream { get; init; }

    /// <summary>The execution this one re-runs.</summary>
    public Guid? RetryOf { get; init; }
}
