using System.Text;
using Dapper;
using Gatehouse.Prompts;
using System.Data.Common;

namespace Gatehouse.Storage;

/// <summary>
/// Prompts in a SQL database: one row per prompt, tags and labels in their own tables, versions
/// written once. The SQL is portable between SQLite and PostgreSQL; a back end supplies its
/// connections, how its driver reports constraint violations, and how a list parameter is matched.
/// </summary>
internal abstract partial class SqlPromptStore : IPromptStore
{
    /// <summary>How <c>@Ids</c> (a string array) is matched: Dapper expands <c>IN @Ids</c> on SQLite, Npgsql binds an array for <c>= ANY(@Ids)</c>.</summary>
    protected abstract string MatchIds { get; }

    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    /// <summary>A primary-key or unique constraint refused the row.</summary>
    protected abstract bool IsUniqueViolation(DbException exception);

    /// <summary>A foreign key refused the row (a label naming a version that does not exist).</summary>
    protected abstract bool IsForeignKeyViolation(DbException exception);

    private const string InsertSql =
        """
        INSERT INTO prompts (id, slug, description, owner, created_by_key, source, archived_at_us, created_at_us, updated_at_us)
        VALUES (@Id, @Slug, @Description, @Owner, @CreatedByKey, @Source, @ArchivedAtUs, @CreatedAtUs, @UpdatedAtUs)
        """;

    private const string GetSql = "SELECT " + PromptRow.Columns + " FROM prompts p WHERE p.id = @Key OR p.slug = @Key";

    private const string InsertTagSql = "INSERT INTO prompt_tags (prompt_id, tag) VALUES (@PromptId, @Tag)";

    public async Task InsertAsync(Prompt prompt, PromptVersion first, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        ArgumentNullException.ThrowIfNull(first);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertSql, PromptRow.Parameters(prompt), transaction, cancellationToken: cancellationToken));
        }
        catch (DbException ex) when (IsUniqueViolation(ex))
        {
            throw new StorageConflictException($"A prompt with the slug '{prompt.Slug}' already exists.", ex);
        }

        await WriteTagsAsync(connection, transaction, prompt.Id, prompt.Tags, cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertVersionSql, PromptVersionRow.From(first), transaction, cancellationToken: cancellationToken));
        foreach (var (label, version) in prompt.Labels)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                UpsertLabelSql,
                new { PromptId = prompt.Id, Label = label, Version = version, UpdatedAtUs = StorageValues.ToUnixMicroseconds(prompt.CreatedAt) },
                transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task<Prompt?> GetAsync(string idOrSlug, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(idOrSlug);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PromptRow>(new CommandDefinition(GetSql, new { Key = idOrSlug }, cancellationToken: cancellationToken));
        return row is null ? null : (await CompleteAsync(connection, [row], cancellationToken))[0];
    }

    public async Task<PromptPage> ListAsync(PromptQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        var sql = new StringBuilder("SELECT " + PromptRow.Columns + " FROM prompts p WHERE 1 = 1");
        var parameters = new DynamicParameters();
        if (!query.Scope.All)
        {
            if (query.Scope.Owner is { } scopeOwner)
            {
                sql.Append(" AND p.owner = @ScopeOwner");
                parameters.Add("ScopeOwner", scopeOwner);
            }
            else
            {
                sql.Append(" AND p.owner IS NULL AND p.created_by_key = @ScopeKey");
                parameters.Add("ScopeKey", query.Scope.KeyId);
            }
        }

        if (query.Owner is { } owner)
        {
            sql.Append(" AND p.owner = @Owner");
            parameters.Add("Owner", owner);
        }

        if (query.Tag is { } tag)
        {
            sql.Append(" AND EXISTS (SELECT 1 FROM prompt_tags t WHERE t.prompt_id = p.id AND t.tag = @Tag)");
            parameters.Add("Tag", tag);
        }

        if (query.Search is { Length: > 0 } search)
        {
            // LOWER on both sides: SQLite's LIKE ignores ASCII case only, PostgreSQL's none.
            sql.Append(@" AND (LOWER(p.slug) LIKE @Pattern ESCAPE '\' OR LOWER(COALESCE(p.description, '')) LIKE @Pattern ESCAPE '\')");
            parameters.Add("Pattern", "%" + search.ToLowerInvariant().Replace(@"\", @"\\", StringComparison.Ordinal).Replace("%", @"\%", StringComparison.Ordinal).Replace("_", @"\_", StringComparison.Ordinal) + "%");
        }

        if (query.Archived is { } archived)
        {
            sql.Append(archived ? " AND p.archived_at_us IS NOT NULL" : " AND p.archived_at_us IS NULL");
        }

        if (query.Cursor is { } after)
        {
            sql.Append(" AND p.slug > @After");
            parameters.Add("After", after);
        }

        sql.Append(" ORDER BY p.slug LIMIT @Take");
        parameters.Add("Take", query.Limit + 1);

        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<PromptRow>(new CommandDefinition(sql.ToString(), parameters, cancellationToken: cancellationToken))).ToList();
        var more = rows.Count > query.Limit;
        if (more)
        {
            rows.RemoveAt(rows.Count - 1);
        }

        var prompts = await CompleteAsync(connection, rows, cancellationToken);
        return new PromptPage(prompts, more ? rows[^1].Slug : null);
    }

    public async Task<long> CountAsync(CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT COUNT(*) FROM prompts", cancellationToken: cancellationToken));
    }

    public async Task<bool> UpdateAsync(string id, string? description, IReadOnlyList<string>? tags, DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var matched = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE prompts SET description = CASE WHEN @Description IS NULL THEN description WHEN @Description = '' THEN NULL ELSE @Description END, updated_at_us = @UpdatedAtUs WHERE id = @Id",
            new { Id = id, Description = description, UpdatedAtUs = StorageValues.ToUnixMicroseconds(updatedAt) },
            transaction,
            cancellationToken: cancellationToken));
        if (matched == 0)
        {
            return false;
        }

        if (tags is not null)
        {
            await connection.ExecuteAsync(new CommandDefinition("DELETE FROM prompt_tags WHERE prompt_id = @Id", new { Id = id }, transaction, cancellationToken: cancellationToken));
            await WriteTagsAsync(connection, transaction, id, tags, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    public async Task<bool> SetArchivedAsync(string id, DateTimeOffset? archivedAt, DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE prompts SET archived_at_us = @ArchivedAtUs, updated_at_us = @UpdatedAtUs WHERE id = @Id",
            new { Id = id, ArchivedAtUs = StorageValues.ToUnixMicroseconds(archivedAt), UpdatedAtUs = StorageValues.ToUnixMicroseconds(updatedAt) },
            cancellationToken: cancellationToken)) > 0;
    }

    private static async Task WriteTagsAsync(DbConnection connection, DbTransaction transaction, string promptId, IReadOnlyList<string> tags, CancellationToken cancellationToken)
    {
        foreach (var tag in tags.Distinct(StringComparer.Ordinal))
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertTagSql, new { PromptId = promptId, Tag = tag }, transaction, cancellationToken: cancellationToken));
        }
    }

    /// <summary>Adds each row's tags and labels, two queries for the whole page.</summary>
    private async Task<List<Prompt>> CompleteAsync(DbConnection connection, List<PromptRow> rows, CancellationToken cancellationToken)
    {
        if (rows.Count == 0)
        {
            return [];
        }

        var ids = rows.Select(static r => r.Id).ToArray();
        var tags = (await connection.QueryAsync<(string PromptId, string Tag)>(new CommandDefinition(
            $"SELECT prompt_id, tag FROM prompt_tags WHERE prompt_id {MatchIds} ORDER BY tag", new { Ids = ids }, cancellationToken: cancellationToken)))
            .ToLookup(static t => t.PromptId, static t => t.Tag);
        var labels = (await connection.QueryAsync<(string PromptId, string Label, long Version)>(new CommandDefinition(
            $"SELECT prompt_id, label, version FROM prompt_labels WHERE prompt_id {MatchIds} ORDER BY label", new { Ids = ids }, cancellationToken: cancellationToken)))
            .ToLookup(static l => l.PromptId);
        return rows.Select(r => r.ToPrompt(
            [.. tags[r.Id]],
            labels[r.Id].ToDictionary(static l => l.Label, static l => checked((int)l.Version), StringComparer.Ordinal))).ToList();
    }
}
