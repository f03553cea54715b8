namespace Gatehouse.Configuration;

/// <summary>
/// Resolves configuration values of the form <c>env:NAME</c> from the environment, so secrets never
/// have to be written into configuration files.
/// </summary>
internal static class SecretReference
{
    private const string EnvironmentPrefix = "env:";

    public static bool IsEnvironmentReference(string value, out string variableName)
    {
        if (value.StartsWith(EnvironmentPrefix, StringComparison.Ordinal))
        {
            variableName = value[EnvironmentPrefix.Length..].Trim();
            return true;
        }

        variableName = "";
        return false;
    }

    /// <summary>Returns the secret, or null when it references a variable that is not set.</summary>
    public static string? Resolve(string? value, Func<string, string?> readEnvironment)
    {
        if (value is null)
        {
            return null;
        }

        return IsEnvironmentReference(value, out var name) ? readEnvironment(name) : value;
    }
}
