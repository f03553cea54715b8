namespace Gatehouse.Hosting;

/// <summary>
/// Endpoint metadata: the endpoint stores nothing of its body (a prompt render), so text PostgreSQL
/// could not store (U+0000) is taken as it comes; every other <c>/api</c> body refuses it (<see cref="RequestLimits"/>).
/// </summary>
internal sealed class StoresNoText
{
    public static readonly StoresNoText Instance = new();

    private StoresNoText()
    {
    }
}
