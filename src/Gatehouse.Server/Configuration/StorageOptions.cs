namespace Gatehouse.Configuration;

/// <summary>
/// <c>Gatehouse:Storage</c>: where durable state is kept. The connection string is not here but in
/// <c>ConnectionStrings:Gatehouse</c>, where hosts and secret stores expect it; see <c>docs/storage.md</c>.
/// </summary>
public sealed class StorageOptions
{
    /// <summary>
    /// <c>Sqlite</c> (the default: one file in the data directory) or <c>PostgreSql</c> (a database
    /// shared by every replica). Read at start by the host, which names the key when it is neither.
    /// </summary>
    public string? Provider { get; set; }

    /// <summary>Settings that apply only when <see cref="Provider"/> is <c>PostgreSql</c>.</summary>
    public PostgreSqlStorageOptions PostgreSql { get; set; } = new();
}
