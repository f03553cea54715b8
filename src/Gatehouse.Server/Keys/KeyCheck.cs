namespace Gatehouse.Keys;

/// <summary>The outcome of checking a presented key.</summary>
internal enum KeyCheck
{
    Valid,
    Missing,

    /// <summary>A key sent in a way the gateway does not read: an <c>Authorization</c> header that is not <c>Bearer &lt;key&gt;</c>, or a key header given twice.</summary>
    Malformed,
    Unknown,
    Revoked,
    Expired,
}
