namespace Gatehouse.Storage;

/// <summary>Brings the database schema up to the version this build knows, applying each missing migration once.</summary>
internal interface IDatabaseMigrator
{
    /// <summary>
    /// Applies pending migrations in order, each in its own transaction. Safe to run again and from
    /// several processes at once; fails when the database was made by a newer Gatehouse.
    /// </summary>
    Task MigrateAsync(CancellationToken ct);
}
