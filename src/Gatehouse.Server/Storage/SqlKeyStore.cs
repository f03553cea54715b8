using Dapper;
using Gatehouse.Keys;
using Gatehouse.Routing;
using System.Data.Common;

namespace Gatehouse.Storage;

/// <summary>
/// Virtual keys in a SQL database. Only the hash of each secret is stored; the hash is unique. The
/// SQL is portable between SQLite and PostgreSQL; a back end supplies connections and how its
/// driver reports a unique violation.
/// </summary>
internal abstract class SqlKeyStore : IKeyStore
{
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>A primary-key or unique constraint refused the row.</summary>
    protected abstract bool IsUniqueViolation(DbException exception);

    private const string InsertSql =
        """
        INSERT INTO virtual_keys (id, name, owner, key_hash, prefix, allowed_models, expires_at_us, metadata, created_at_us, revoked_at_us, requests_per_minute, tokens_per_minute,
                                  routing_strategy, routing_fallback, routing_max_retries, cache_enabled, cache_ttl_seconds, cache_namespace, tool_prefilter)
        VALUES (@Id, @Name, @Owner, @KeyHash, @Prefix, @AllowedModels, @ExpiresAtUs, @Metadata, @CreatedAtUs, @RevokedAtUs, @RequestsPerMinute, @TokensPerMinute,
                @RoutingStrategy, @RoutingFallback, @RoutingMaxRetries, @CacheEnabled, @CacheTtlSeconds, @CacheNamespace, @ToolPrefilter)
        """;

    private const string ListSql = "SELECT " + VirtualKeyRow.Columns + " FROM virtual_keys ORDER BY created_at_us, id";

    private const string GetSql = "SELECT " + VirtualKeyRow.Columns + " FROM virtual_keys WHERE id = @Id";

    private const string GetByHashSql = "SELECT " + VirtualKeyRow.Columns + " FROM virtual_keys WHERE key_hash = @KeyHash";

    // COALESCE keeps the first revocation time; the row still counts as matched, so a second call returns true.
    private const string RevokeSql = "UPDATE virtual_keys SET revoked_at_us = COALESCE(revoked_at_us, @RevokedAtUs) WHERE id = @Id";

    private const string SetRoutingSql = "routing_strategy = @RoutingStrategy, routing_fallback = @RoutingFallback, routing_max_retries = @RoutingMaxRetries";

    private const string SetCacheSql = "cache_enabled = @CacheEnabled, cache_ttl_seconds = @CacheTtlSeconds, cache_namespace = @CacheNamespace";

    private const string SetToolPrefilterSql = "tool_prefilter = @ToolPrefilter";

    public async Task InsertAsync(VirtualKey key, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        var row = VirtualKeyRow.FromKey(key);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertSql, row, cancellationToken: cancellationToken));
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            throw new StorageConflictException($"A virtual key with id '{key.Id}' or the same secret hash already exists.", ex);
        }
    }

    public async Task<IReadOnlyList<VirtualKey>> ListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<VirtualKeyRow>(new CommandDefinition(ListSql, cancellationToken: cancellationToken));
        return rows.Select(static r => r.ToKey()).ToList();
    }

    public async Task<VirtualKey?> GetAsync(string id, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<VirtualKeyRow>(
            new CommandDefinition(GetSql, new { Id = id }, cancellationToken: cancellationToken));
        return row?.ToKey();
    }

    public async Task<VirtualKey?> GetByHashAsync(string keyHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(keyHash);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<VirtualKeyRow>(
            new CommandDefinition(GetByHashSql, new { KeyHash = keyHash }, cancellationToken: cancellationToken));
        return row?.ToKey();
    }

    public async Task<bool> UpdateSettingsAsync(string id, KeySettingsChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        ArgumentNullException.ThrowIfNull(change);
        var assignments = new List<string>(3);
        var parameters = new DynamicParameters(new { Id = id });
        if (change.SetsRouting)
        {
            var (strategy, fallback, maxRetries) = VirtualKeyRow.RoutingColumns(change.Routing);
            assignments.Add(SetRoutingSql);
            parameters.AddDynamicParams(new { RoutingStrategy = strategy, RoutingFallback = fallback, RoutingMaxRetries = maxRetries });
        }

        if (change.SetsCache)
        {
            var (enabled, ttlSeconds, space) = VirtualKeyRow.CacheColumns(change.Cache);
            assignments.Add(SetCacheSql);
            parameters.AddDynamicParams(new { CacheEnabled = enabled, CacheTtlSeconds = ttlSeconds, CacheNamespace = space });
        }

        if (change.SetsToolPrefilter)
        {
            assignments.Add(SetToolPrefilterSql);
            parameters.Add("ToolPrefilter", change.ToolPrefilter is { } on ? (on ? 1L : 0L) : (long?)null);
        }

        // One UPDATE: the parts land together. Nothing to change still says whether the key exists.
        var sql = assignments.Count == 0
            ? "SELECT COUNT(*) FROM virtual_keys WHERE id = @Id"
            : $"UPDATE virtual_keys SET {string.Join(", ", assignments)} WHERE id = @Id";
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var matched = assignments.Count == 0
            ? await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))
            : await connection.ExecuteAsync(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return matched > 0;
    }

    public async Task<bool> RevokeAsync(string id, DateTimeOffset revokedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var matched = await connection.ExecuteAsync(new CommandDefinition(
            RevokeSql,
            new { Id = id, RevokedAtUs = StorageValues.ToUnixMicroseconds(revokedAt) },
            cancellationToken: cancellationToken));
        return matched > 0;
    }
}
