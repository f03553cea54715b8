using System.Data.Common;
using Dapper;
using Gatehouse.Records;

namespace Gatehouse.Storage;

/// <summary>
/// Reading request history: the same SQL (<see cref="RequestRecordSql"/>) on SQLite and PostgreSQL.
/// How a batch is written and made durable is each back end's own (a prepared statement per row and
/// a WAL checkpoint on SQLite; a binary COPY on PostgreSQL).
/// </summary>
internal abstract class SqlRequestRecordStore : IRequestRecordStore
{
    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    public abstract Task InsertBatchAsync(IReadOnlyList<RequestRecord> records, CancellationToken cancellationToken);

    public abstract Task<bool> MakeDurableAsync(CancellationToken cancellationToken);

    public async Task<RequestRecord?> GetAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<RequestRecordRow>(new CommandDefinition(
            RequestRecordSql.SelectById, new { Id = StorageValues.ToText(id) }, cancellationToken: cancellationToken));
        return row?.ToRecord();
    }

    public async Task<RequestRecordPage> QueryAsync(RequestRecordQuery query, CancellationToken cancellationToken)
    {
        var (sql, parameters, limit) = RequestRecordSql.BuildQuery(query);
        await using var connection = await OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<RequestRecordRow>(
            new CommandDefinition(sql, parameters, cancellationToken: cancellationToken));
        return RequestRecordSql.ToPage(rows.AsList(), limit);
    }

    public Task<decimal> SumCostByKeyAsync(string keyId, DateTimeOffset from, CancellationToken cancellationToken) =>
        SumCostAsync(RequestRecordSql.SumCostByKey, keyId, from, cancellationToken);

    public Task<decimal> SumCostByOwnerAsync(string owner, DateTimeOffset from, CancellationToken cancellationToken) =>
        SumCostAsync(RequestRecordSql.SumCostByOwner, owner, from, cancellationToken);

    private async Task<decimal> SumCostAsync(string sql, string subject, DateTimeOffset from, CancellationToken cancellationToken)
    {
        await using var connection = await OpenConnectionAsync(cancellationToken);
        // SUM(bigint) is numeric on PostgreSQL; Dapper converts it to the pico-dollar long.
        var picoDollars = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            sql, new { Subject = subject, FromUs = StorageValues.ToUnixMicroseconds(from) }, cancellationToken: cancellationToken));
        return StorageValues.FromPicoDollars(picoDollars);
    }
}
