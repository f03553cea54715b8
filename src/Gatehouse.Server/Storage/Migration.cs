namespace Gatehouse.Storage;

/// <summary>One versioned schema change, read from an embedded <c>Storage/Migrations/NNNN_name.sql</c> file.</summary>
internal sealed record Migration(int Version, string Name, string Sql);
