namespace Gatehouse.Tests.Fuzz;

/// <summary>A request whose answer broke the bar, with the seed that generates it again.</summary>
internal sealed record FuzzFinding(FuzzRequest Request, FuzzResponse Response, FuzzViolation Violation, string Replay)
{
    public override string ToString() =>
        $"[{Request.Target}] {Violation.Kind}: {Violation.Message}\n  replay: GATEHOUSE_FUZZ_SEED={Replay}\n{Request}  → {Response}";
}
