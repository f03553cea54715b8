namespace Gatehouse.Tests.Fuzz;

internal enum JsonMutationKind
{
    Replace,
    Remove,
    Add,
    RepeatKey,
    Wrap,
}
