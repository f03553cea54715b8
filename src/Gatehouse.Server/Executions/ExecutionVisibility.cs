using Gatehouse.Keys;

namespace Gatehouse.Executions;

/// <summary>
/// Who sees which executions: the admin key all of them; a virtual key its owner's (every key of
/// that owner), or only its own when it has no owner. Anything else is reported as not found.
/// </summary>
internal static class ExecutionVisibility
{
    public static bool CanSee(CallerIdentity caller, Execution execution) =>
        caller.IsAdmin || (caller.Owner is { } owner ? execution.Owner == owner : execution.KeyId == caller.KeyId);

    /// <summary>Narrows a query to what <paramref name="caller"/> may see; false when the filters ask for something it may not (the answer is then empty).</summary>
    public static bool TryScope(CallerIdentity caller, ExecutionQuery query, out ExecutionQuery scoped)
    {
        scoped = query;
        if (caller.IsAdmin)
        {
            return true;
        }

        if (caller.Owner is { } owner)
        {
            scoped = query with { Owner = owner };
            return true;
        }

        scoped = query with { Owner = null, KeyId = caller.KeyId };
        return query.KeyId is null || query.KeyId == caller.KeyId;
    }
}
