namespace Gatehouse.Caching;

/// <summary>
/// The coalescing registry: answers being produced right now, by cache key, so identical calls
/// join one upstream call. Per replica by design: a waiting caller holds an open response on this
/// process, so joining an answer produced elsewhere would need the whole stream relayed between
/// replicas. Across replicas the response cache does the job once the first answer is stored.
/// </summary>
internal interface IInFlightAnswers
{
    /// <summary>Answers in flight.</summary>
    int Count { get; }

    /// <summary>Callers waiting on every answer in flight together.</summary>
    int WaitingCallers { get; }

    /// <summary>
    /// Joins the answer in flight for <paramref name="key"/>, or registers a new one this caller
    /// must produce (<paramref name="producer"/> true). Either way the caller is counted as waiting.
    /// </summary>
    SharedAnswer JoinOrStart(string key, out bool producer);

    /// <summary>Forgets a finished answer (only that instance; a newer one under the same key stays).</summary>
    void Remove(string key, SharedAnswer answer);
}
