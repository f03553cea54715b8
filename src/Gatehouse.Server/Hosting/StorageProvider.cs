namespace Gatehouse.Hosting;

/// <summary>Where Gatehouse keeps its durable state (<c>Gatehouse:Storage:Provider</c>).</summary>
internal enum StorageProvider
{
    /// <summary>The embedded default: one SQLite file in the data directory.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database shared by every replica (<c>ConnectionStrings:Gatehouse</c>).</summary>
    PostgreSql,
}
