using Gatehouse.Keys;
using Gatehouse.Records;

namespace Gatehouse.Gateway;

/// <summary>
/// Marks a call Gatehouse makes to its own pipeline on behalf of a caller it has already
/// authenticated (an <c>HttpContext</c> feature; Kestrel never sets it, so no client can). The
/// authentication stage takes <see cref="Caller"/> instead of reading a key header, re-checked
/// against the registry so a key revoked since still fails; the recording stage hands back the
/// call's <see cref="Record"/>, the same one the history stores, so the caller need not wait for
/// the batched writer to know the call's usage, cost and outcome.
/// </summary>
internal sealed class InProcessCall(CallerIdentity caller)
{
    public CallerIdentity Caller { get; } = caller;

    /// <summary>Set when the call is done (null only when the key failed its re-check: such calls leave no record).</summary>
    public RequestRecord? Record { get; set; }
}
