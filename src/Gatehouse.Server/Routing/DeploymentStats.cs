namespace Gatehouse.Routing;

/// <summary>
/// Live numbers for one deployment, shared by every request: calls in flight and an exponential
/// moving average of the latency of successful calls. Lock-free; readers may see a value a moment old.
/// </summary>
internal sealed class DeploymentStats
{
    /// <summary>Weight of the newest sample in the moving average (about the last ten calls count).</summary>
    private const double Smoothing = 0.2;

    private int _inFlight;
    private long _latencyBits = BitConverter.DoubleToInt64Bits(double.NaN);

    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Moving average of successful calls' latency in milliseconds; NaN until the first one.</summary>
    public double LatencyMs => BitConverter.Int64BitsToDouble(Interlocked.Read(ref _latencyBits));

    public void Enter() => Interlocked.Increment(ref _inFlight);

    public void Exit(double latencyMs, bool succeeded)
    {
        Interlocked.Decrement(ref _inFlight);
        if (!succeeded)
        {
            return;
        }

        long seen, next;
        do
        {
            seen = Interlocked.Read(ref _latencyBits);
            var current = BitConverter.Int64BitsToDouble(seen);
            var updated = double.IsNaN(current) ? latencyMs : current + (Smoothing * (latencyMs - current));
            next = BitConverter.DoubleToInt64Bits(updated);
        }
        while (Interlocked.CompareExchange(ref _latencyBits, next, seen) != seen);
    }
}
