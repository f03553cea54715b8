using Gatehouse.Executions;

namespace Gatehouse.Storage;

/// <summary>Prompt executions, written once each when it ends.</summary>
internal interface IExecutionStore
{
    /// <summary>Stores a finished execution. Storing an id that already exists changes nothing, so a retried write never duplicates it.</summary>
    Task InsertAsync(Execution execution, CancellationToken cancellationToken);

    Task<Execution?> GetAsync(Guid id, CancellationToken cancellationToken);

    /// <summary>Newest first (by start time, then id), with keyset (cursor) pagination.</summary>
    /// <exception cref="ArgumentException">The cursor is not one this store produced.</exception>
    Task<ExecutionPage> QueryAsync(ExecutionQuery query, CancellationToken cancellationToken);
}
