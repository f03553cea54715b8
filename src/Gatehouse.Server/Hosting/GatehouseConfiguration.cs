using Microsoft.Extensions.Configuration.EnvironmentVariables;

namespace Gatehouse.Hosting;

/// <summary>
/// Where configuration comes from, lowest precedence first: the embedded defaults (the simulator
/// models), <c>appsettings.json</c>, the user's file (<c>GATEHOUSE_CONFIG</c>, default
/// <c>gatehouse.json</c>, reloaded on change), environment variables (<c>Gatehouse__…</c>), the command line.
/// </summary>
internal static class GatehouseConfiguration
{
    public const string ConfigFileVariable = "GATEHOUSE_CONFIG";
    public const string DataDirectoryVariable = "GATEHOUSE_DATA_DIR";
    private const string DefaultsResource = "Gatehouse.Configuration.gatehouse.defaults.json";

    /// <returns>The configuration file it reads (which may not exist: then only the defaults and overrides apply).</returns>
    public static ConfigurationFile AddGatehouseSources(this ConfigurationManager configuration)
    {
        var sources = (IList<IConfigurationSource>)configuration.Sources;
        var defaults = new ConfigurationBuilder()
            .AddJsonStream(typeof(GatehouseConfiguration).Assembly.GetManifestResourceStream(DefaultsResource)!)
            .Build();
        sources.Insert(0, new ChainedConfigurationSource { Configuration = defaults, ShouldDisposeConfiguration = true });

        var file = ConfigurationFile.Resolve(configuration[ConfigFileVariable]);
        var userFile = new ConfigurationBuilder()
            .SetBasePath(Path.GetDirectoryName(file.Path)!)
            .AddJsonFile(Path.GetFileName(file.Path), optional: !file.Chosen, reloadOnChange: true)
            .Build();

        // Just below environment variables, so Gatehouse__… overrides still win over the file.
        var environmentIndex = IndexOfFirstEnvironmentSource(sources);
        sources.Insert(environmentIndex, new ChainedConfigurationSource { Configuration = userFile, ShouldDisposeConfiguration = true });
        return file;
    }

    public static string DataDirectory(this IConfiguration configuration) =>
        Path.GetFullPath(configuration[DataDirectoryVariable] is { Length: > 0 } directory ? directory : "data");

    private static int IndexOfFirstEnvironmentSource(IList<IConfigurationSource> sources)
    {
        for (var i = 0; i < sources.Count; i++)
        {
            if (sources[i] is EnvironmentVariablesConfigurationSource)
            {
                return i;
            }
        }

        return sources.Count;
    }
}
