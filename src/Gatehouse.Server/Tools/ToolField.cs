namespace Gatehouse.Tools;

/// <summary>The parts of a tool definition the ranker reads, each with its own weight.</summary>
internal enum ToolField
{
    Name = 0,
    Description = 1,
    ParameterNames = 2,
    ParameterDescriptions = 3,
}
