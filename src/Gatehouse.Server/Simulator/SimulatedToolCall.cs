namespace Gatehouse.Simulator;

/// <summary>One generated function call: its id, the function name and the JSON arguments text.</summary>
internal sealed record SimulatedToolCall(string Id, string Name, string Arguments);
