namespace Gatehouse.Keys;

/// <summary>Who is calling: the master key (admin) or a virtual key.</summary>
internal sealed record CallerIdentity(string KeyId, bool IsAdmin, VirtualKey? Key)
{
    public const string MasterKeyId = "master";

    public static readonly CallerIdentity Master = new(MasterKeyId, IsAdmin: true, Key: null);

    public string? Owner => Key?.Owner;

    /// <summary>The master key may use every model; a virtual key only its allowed ones (all when none are listed).</summary>
    public bool MayUseModel(string model)
    {
        if (Key?.AllowedModels is not { Count: > 0 } allowed)
        {
            return true;
        }

        foreach (var candidate in allowed)
        {
            if (string.Equals(candidate, model, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
