using System.Collections.Concurrent;

namespace Gatehouse.Caching;

/// <summary>The answers being produced right now in this process, by cache key: a call that finds its key here joins instead of calling upstream.</summary>
internal sealed class InFlightAnswers : IInFlightAnswers
{
    private readonly ConcurrentDictionary<string, SharedAnswer> _answers = new(StringComparer.Ordinal);

    public int Count => _answers.Count;

    /// <summary>Callers waiting on every answer in flight together.</summary>
    public int WaitingCallers => _answers.Values.Sum(static a => a.Callers);

    /// <summary>
    /// Joins the answer in flight for <paramref name="key"/>, or registers a new one this caller
    /// must produce (<paramref name="producer"/> true). Either way the caller is counted as waiting.
    /// </summary>
    public SharedAnswer JoinOrStart(string key, out bool producer)
    {
        while (true)
        {
            if (_answers.TryGetValue(key, out var existing))
            {
                if (existing.TryJoin())
                {
                    producer = false;
                    return existing;
                }

                // Everyone waiting for it left and its production was cancelled: replace it.
                _answers.TryRemove(new KeyValuePair<string, SharedAnswer>(key, existing));
                continue;
            }

            var fresh = new SharedAnswer();
            fresh.TryJoin();
            if (_answers.TryAdd(key, fresh))
            {
                producer = true;
                return fresh;
            }
        }
    }

    /// <summary>Forgets a finished answer (only that instance; a newer one under the same key stays).</summary>
    public void Remove(string key, SharedAnswer answer) => _answers.TryRemove(new KeyValuePair<string, SharedAnswer>(key, answer));
}
