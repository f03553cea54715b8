using Gatehouse.Records;

namespace Gatehouse.Storage;

public interface IRequestRecordStore
{
    /// <summary>Inserts a batch in one transaction. Inserting an id that already exists is ignored, so a retried batch never duplicates rows.</summary>
    Task InsertBatchAsync(IReadOnlyList<RequestRecord> records, CancellationToken cancellationToken);

    Task<RequestRecord?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Newest first (by timestamp, then id), with keyset (cursor) pagination.</summary>
    Task<RequestRecordPage> QueryAsync(RequestRecordQuery query, CancellationToken cancellationToken);

}
