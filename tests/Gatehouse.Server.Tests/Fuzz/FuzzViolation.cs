namespace Gatehouse.Tests.Fuzz;

/// <summary>An answer below the bar: its kind (<c>500</c>, <c>5xx</c>, <c>slow</c>, <c>no-answer</c>, <c>error-shape</c>, <c>bad-json</c>, <c>stream-error</c>), a short grouping detail, and the message.</summary>
internal sealed record FuzzViolation(string Kind, string Group, string Message)
{
    /// <summary>Violations with the same signature on the same target are taken for one bug.</summary>
    public string Signature => Kind + " " + Group;
}
