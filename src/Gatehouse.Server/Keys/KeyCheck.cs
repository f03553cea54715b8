namespace Gatehouse.Keys;

/// <summary>The outcome of checking a presented key.</summary>
internal enum KeyCheck
{
    Valid,
    Missing,
    Unknown,
    Revoked,
    Expired,
}
