using Gatehouse.Configuration;
using StackExchange.Redis;

namespace Gatehouse.Redis;

/// <summary>
/// <c>ConnectionStrings:Redis</c>, parsed once at registration so a value that does not parse stops
/// the start with a message that names the key and never shows the password.
/// </summary>
internal sealed class RedisEndpoint
{
    private RedisEndpoint(ConfigurationOptions configuration) => Configuration = configuration;

    public ConfigurationOptions Configuration { get; }

    /// <exception cref="GatehouseConfigurationException">The value is empty or does not parse; the message names <paramref name="key"/>.</exception>
    public static RedisEndpoint Parse(string connectionString, string key)
    {
        ConfigurationOptions parsed;
        try
        {
            parsed = ConfigurationOptions.Parse(connectionString);
        }
        catch (ArgumentException ex)
        {
            // The parser's message can quote the offending option, and a password is an option.
            throw new GatehouseConfigurationException(
                $"{key} is not a valid Redis connection string ({Redact(ex.Message, connectionString)}); expected host:port[,option=value...].");
        }

        return parsed.EndPoints.Count == 0
            ? throw new GatehouseConfigurationException($"{key} names no Redis server (expected host:port[,option=value...]).")
            : new RedisEndpoint(parsed);
    }

    private static string Redact(string message, string connectionString)
    {
        foreach (var part in connectionString.Split(','))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0 && part[..equals].Trim().Equals("password", StringComparison.OrdinalIgnoreCase) && part.Length > equals + 1)
            {
                message = message.Replace(part[(equals + 1)..], Providers.SecretScrubber.Redacted, StringComparison.Ordinal);
            }
        }

        return message;
    }
}
