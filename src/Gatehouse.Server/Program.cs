using Gatehouse.Configuration;
using Gatehouse.Hosting;
using Microsoft.Extensions.Options;

try
{
    await using var app = GatehouseApp.Build(args);
    await GatehouseApp.StartAsync(app, Console.Out);
    await app.WaitForShutdownAsync();
    return 0;
}
catch (OptionsValidationException ex)
{
    await Console.Error.WriteLineAsync("Gatehouse cannot start: the configuration is invalid.");
    foreach (var failure in ex.Failures)
    {
        await Console.Error.WriteLineAsync("  - " + failure);
    }

    return 1;
}
catch (GatehouseConfigurationException ex)
{
    await Console.Error.WriteLineAsync("Gatehouse cannot start: " + ex.Message);
    return 1;
}
