using System.Security.Cryptography;
using System.Text;

namespace Gatehouse.Storage;

/// <summary>One versioned schema change, read from a dialect's embedded <c>Storage/{Sqlite,PostgreSql}/Migrations/NNNN_name.sql</c> file.</summary>
internal sealed record Migration(int Version, string Name, string Sql)
{
    /// <summary>
    /// SHA-256 of the SQL (hex), recorded with the migration when it is applied, so a migration
    /// edited after release is caught instead of silently differing between databases. Line endings
    /// are normalised first: a checkout with CRLF is the same migration.
    /// </summary>
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));
}
