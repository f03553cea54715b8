using Gatehouse.Storage;

namespace Gatehouse.Keys;

/// <summary>
/// Sets up the admin (master) key at start. <c>GATEHOUSE_MASTER_KEY</c> wins when set. Otherwise a
/// key is generated on the first start, only its hash is stored, and it is printed once to the console.
/// </summary>
internal sealed partial class MasterKeyInitializer(IConfiguration configuration, ISettingsStore settings, IKeyRegistry registry, ILogger<MasterKeyInitializer> logger)
{
    public const string EnvironmentVariable = "GATEHOUSE_MASTER_KEY";
    private const string SettingName = "master_key_hash";

    public async Task InitializeAsync(TextWriter console, CancellationToken cancellationToken)
    {
        var configured = configuration[EnvironmentVariable];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            registry.SetMasterKeyHash(KeyHasher.Hash(configured.Trim()));
            LogFromEnvironment();
            return;
        }

        var generated = ApiKeyGenerator.NewSecret("admin-");
        var generatedHash = KeyHasher.Hash(generated);
        var storedHash = await settings.GetOrAddAsync(SettingName, generatedHash, cancellationToken);
        registry.SetMasterKeyHash(storedHash);
        if (storedHash == generatedHash)
        {
            // Deliberately not through ILogger: log sinks keep copies; this is shown once, on this console only.
            await console.WriteLineAsync($"""

                Gatehouse generated an admin (master) key. It is shown only this once; store it now:

                    {generated}

                Set {EnvironmentVariable} to choose your own instead.

                """.AsMemory(), cancellationToken);
        }
        else
        {
            LogFromDatabase();
        }
    }

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Admin key taken from " + EnvironmentVariable + ".")]
    private partial void LogFromEnvironment();

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Admin key: using the one generated on first start (only its hash is stored). Set " + EnvironmentVariable + " to replace it.")]
    private partial void LogFromDatabase();
}
