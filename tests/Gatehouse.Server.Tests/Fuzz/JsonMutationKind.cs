namespace Gatehouse.Tests.Fuzz;

internal enum JsonMutationKind
{
    Replace,
    Remove,
    Add,
    RepeatKey,
    Wrap,

    /// <summary>Replace a number of the seed (a count, a size, a limit) with one at or past an edge.</summary>
    ExtremeNumber,
}
