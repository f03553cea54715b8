using System.Diagnostics.CodeAnalysis;
using Gatehouse.SharedState;

namespace Gatehouse.Redis;

/// <summary>
/// A notice on the Redis channel: <c>{replica}|{kind}|{id}</c>. The replica id lets a sender skip
/// its own notices. Anything that does not parse (another program on the channel, a truncated
/// message) is dropped: a notice can only ask for a reload, so losing one costs at most a wait for
/// the periodic reload.
/// </summary>
internal static class StateChangeMessage
{
    /// <summary>Longer ids are not ours (key ids, budget ids, setting names and namespaces are short).</summary>
    public const int MaxIdLength = 256;

    public static string Format(string replica, StateChange change) => $"{replica}|{change.Kind}|{change.Id}";

    public static bool TryParse(string? message, [NotNullWhen(true)] out string? replica, out StateChange change)
    {
        replica = null;
        change = default;
        if (message is null)
        {
            return false;
        }

        var first = message.IndexOf('|', StringComparison.Ordinal);
        var second = first < 0 ? -1 : message.IndexOf('|', first + 1);
        if (first <= 0 || second < 0)
        {
            return false;
        }

        var kindText = message.AsSpan(first + 1, second - first - 1);
        var id = message[(second + 1)..];
        if (id.Length > MaxIdLength || !TryParseKind(kindText, out var kind) || kind == StateChangeKind.Everything || (id.Length == 0))
        {
            return false;
        }

        replica = message[..first];
        change = new StateChange(kind, id);
        return true;
    }

    // Names only: Enum.TryParse would also take numbers and combinations.
    private static bool TryParseKind(ReadOnlySpan<char> text, out StateChangeKind kind)
    {
        foreach (var candidate in Enum.GetValues<StateChangeKind>())
        {
            if (text.SequenceEqual(candidate.ToString()))
            {
                kind = candidate;
                return true;
            }
        }

        kind = default;
        return false;
    }
}
