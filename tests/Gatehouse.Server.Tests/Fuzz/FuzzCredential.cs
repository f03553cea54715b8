namespace Gatehouse.Tests.Fuzz;

/// <summary>What a request presents as its key, as far as the documented rules decide it.</summary>
internal enum FuzzCredential
{
    /// <summary>A valid key as <c>Authorization: Bearer</c> (any case of the scheme) or <c>x-api-key</c>.</summary>
    Valid,

    /// <summary>No key, a wrong key, or a present <c>Authorization</c> header that is not Bearer (even beside a valid <c>x-api-key</c>): a 401.</summary>
    Invalid,

    /// <summary>Forms no document decides (two Authorization headers, a key followed by more text): only the general bar applies.</summary>
    Unclear,
}
