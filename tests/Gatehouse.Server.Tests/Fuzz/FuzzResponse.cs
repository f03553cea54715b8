namespace Gatehouse.Tests.Fuzz;

/// <summary>What came back for one <see cref="FuzzRequest"/>: status, content type, body (capped), time, or why nothing came.</summary>
internal sealed record FuzzResponse(int Status, string? ContentType, byte[] Body, TimeSpan Elapsed, string? Failure)
{
    /// <summary>Bodies are read up to this many bytes; more is counted but not kept.</summary>
    public const int MaxBody = 4 * 1024 * 1024;

    public string? MediaType => ContentType?.Split(';', 2)[0].Trim().ToLowerInvariant();

    public override string ToString() => Failure is not null && Status == 0
        ? $"no answer after {Elapsed.TotalMilliseconds:F0} ms: {Failure}"
        : $"{Status} {ContentType} in {Elapsed.TotalMilliseconds:F0} ms, body ({Body.Length} bytes{(Failure is null ? "" : ", then " + Failure)}): {FuzzRequest.Bytes(Body, 700)}";
}
