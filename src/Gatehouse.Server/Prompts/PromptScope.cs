using Gatehouse.Keys;

namespace Gatehouse.Prompts;

/// <summary>
/// Which prompts a caller sees and manages. The admin key: all. A key with an owner: the prompts of
/// that owner, whichever of its keys created them. A key without an owner shares with nobody: only
/// the owner-less prompts it created itself. Anything outside is treated as not existing (404).
/// </summary>
internal sealed record PromptScope(bool All, string? Owner, string? KeyId)
{
    public static readonly PromptScope Everything = new(true, null, null);

    public static PromptScope For(CallerIdentity caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsAdmin ? Everything : caller.Owner is { } owner ? new(false, owner, null) : new(false, null, caller.KeyId);
    }

    public bool Sees(Prompt prompt) =>
        All || (Owner is not null
            ? string.Equals(prompt.Owner, Owner, StringComparison.Ordinal)
            : prompt.Owner is null && string.Equals(prompt.CreatedByKey, KeyId, StringComparison.Ordinal));
}
