namespace Gatehouse.Storage;

/// <summary>Small named values Gatehouse keeps for itself, such as the master key's hash.</summary>
public interface ISettingsStore
{
    Task<string?> GetAsync(string name, CancellationToken cancellationToken);

    /// <summary>Sets the value only if none exists; returns the value now stored (so concurrent first starts agree).</summary>
    Task<string> GetOrAddAsync(string name, string value, CancellationToken cancellationToken);

    /// <summary>Stores the value, replacing any; null removes the setting.</summary>
    Task SetAsync(string name, string? value, CancellationToken cancellationToken);
}
