namespace Gatehouse.Tests.Fuzz;

/// <summary>Thrown inside a CsCheck property for an answer below the bar, so CsCheck shrinks and reports it.</summary>
public sealed class FuzzFailureException : Exception
{
    public FuzzFailureException()
    {
    }

    public FuzzFailureException(string message)
        : base(message)
    {
    }

    public FuzzFailureException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
