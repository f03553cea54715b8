using Dapper;
using Gatehouse.Prompts;

namespace Gatehouse.Storage;

internal abstract partial class SqlPromptStore
{
    private const string InsertVersionSql =
        """
        INSERT INTO prompt_versions (prompt_id, version, content, content_hash, note, created_by_key, created_at_us)
        VALUES (@PromptId, @Version, @Content, @ContentHash, @Note, @CreatedByKey, @CreatedAtUs)
        """;

    private const string UpsertLabelSql =
        """
        INSERT INTO prompt_labels (prompt_id, label, version, updated_at_us) VALUES (@PromptId, @Label, @Version, @UpdatedAtUs)
        ON CONFLICT (prompt_id, label) DO UPDATE SET version = excluded.version, updated_at_us = excluded.updated_at_us
        """;

    private const string VersionsSql = "SELECT " + PromptVersionRow.Columns + " FROM prompt_versions WHERE prompt_id = @PromptId";

    public async Task<PromptVersion?> AddVersionAsync(PromptVersion draft, IReadOnlyList<string> labels, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(labels);
        await using var connection = await OpenConnectionAsync(cancellationToken);

        // The UPDATE comes first: SQLite's BEGIN IMMEDIATE holds the write lock, PostgreSQL's row lock on the
        // prompt makes a concurrent caller wait and then read the committed MAX (READ COMMITTED), so two
        // versions added at once get two numbers on both.
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var touched = await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE prompts SET updated_at_us = @UpdatedAtUs WHERE id = @PromptId",
            new { draft.PromptId, UpdatedAtUs = StorageValues.ToUnixMicroseconds(draft.CreatedAt) },
            transaction,
            cancellationToken: cancellationToken));
        if (touched == 0)
        {
            return null;
        }

        var number = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM prompt_versions WHERE prompt_id = @PromptId", new { draft.PromptId }, transaction, cancellationToken: cancellationToken));
        var version = draft with { Version = checked((int)number) };
        await connection.ExecuteAsync(new CommandDefinition(InsertVersionSql, PromptVersionRow.From(version), transaction, cancellationToken: cancellationToken));
        foreach (var label in labels)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                UpsertLabelSql,
                new { version.PromptId, Label = label, version.Version, UpdatedAtUs = StorageValues.ToUnixMicroseconds(version.CreatedAt) },
                transaction,
                cancellationToken: cancellationToken));
        }

        await transaction.CommitAsync(cancellationToken);
        return version;
    }

    public async Task<IReadOnlyList<PromptVersion>> ListVersionsAsync(string promptId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promptId);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<PromptVersionRow>(new CommandDefinition(VersionsSql + " ORDER BY version DESC", new { PromptId = promptId }, cancellationToken: cancellationToken));
        return rows.Select(static r => r.ToVersion()).ToList();
    }

    public async Task<PromptVersion?> GetVersionAsync(string promptId, int version, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promptId);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<PromptVersionRow>(new CommandDefinition(
            VersionsSql + " AND version = @Version", new { PromptId = promptId, Version = version }, cancellationToken: cancellationToken));
        return row?.ToVersion();
    }

    public async Task<PromptVersion?> FindVersionAsync(string promptId, string contentHash, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promptId);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var row = await connection.QueryFirstOrDefaultAsync<PromptVersionRow>(new CommandDefinition(
            VersionsSql + " AND content_hash = @ContentHash ORDER BY version DESC", new { PromptId = promptId, ContentHash = contentHash }, cancellationToken: cancellationToken));
        return row?.ToVersion();
    }

    public async Task<bool> SetLabelAsync(string promptId, string label, int version, DateTimeOffset updatedAt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promptId);
        ArgumentNullException.ThrowIfNull(label);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        try
        {
            return await connection.ExecuteAsync(new CommandDefinition(
                UpsertLabelSql,
                new { PromptId = promptId, Label = label, Version = version, UpdatedAtUs = StorageValues.ToUnixMicroseconds(updatedAt) },
                cancellationToken: cancellationToken)) > 0;
        }
        catch (System.Data.Common.DbException ex) when (IsForeignKeyViolation(ex))
        {
            // The foreign key to prompt_versions: no such version.
            return false;
        }
    }

    public async Task<bool> DeleteLabelAsync(string promptId, string label, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(promptId);
        ArgumentNullException.ThrowIfNull(label);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM prompt_labels WHERE prompt_id = @PromptId AND label = @Label", new { PromptId = promptId, Label = label }, cancellationToken: cancellationToken)) > 0;
    }
}
