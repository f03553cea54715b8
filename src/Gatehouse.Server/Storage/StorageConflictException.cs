namespace Gatehouse.Storage;

/// <summary>A write broke a uniqueness rule, such as a second virtual key with the same id or secret hash.</summary>
public sealed class StorageConflictException : Exception
{
    public StorageConflictException()
    {
    }

    public StorageConflictException(string message)
        : base(message)
    {
    }

    public StorageConflictException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
