using Gatehouse.Records;

namespace Gatehouse.Storage;

public interface IRequestRecordStore
{
    /// <summary>Inserts a batch in one transaction. Inserting an id that already exists is ignored, so a retried batch never duplicates rows.</summary>
    Task InsertBatchAsync(IReadOnlyList<RequestRecord> records, CancellationToken cancellationToken);

    Task<RequestRecord?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Newest first (by timestamp, then id), with keyset (cursor) pagination.</summary>
    Task<RequestRecordPage> QueryAsync(RequestRecordQuery query, CancellationToken cancellationToken);

    /// <summary>The cost of one key's calls recorded at or after <paramref name="from"/>: what a key's budget is reconciled from at start.</summary>
    Task<decimal> SumCostByKeyAsync(string keyId, DateTimeOffset from, CancellationToken cancellationToken);

    /// <summary>The cost of the calls of every key of <paramref name="owner"/> recorded at or after <paramref name="from"/>.</summary>
    Task<decimal> SumCostByOwnerAsync(string owner, DateTimeOffset from, CancellationToken cancellationToken);

    /// <summary>
    /// Makes every insert committed so far survive a machine crash, not only a process crash; false
    /// when the database could not do it now (try later). The record journal deletes a file only
    /// after this, so a power loss cannot lose records that had already left the journal.
    /// </summary>
    Task<bool> MakeDurableAsync(CancellationToken cancellationToken);
}
