namespace Gatehouse.Simulator;

/// <summary>The faults the simulator can inject into one response.</summary>
internal enum SimulatedFault
{
    None,
    Error,
    RateLimit,
    Timeout,
    CutStream,
    Malformed,
}
