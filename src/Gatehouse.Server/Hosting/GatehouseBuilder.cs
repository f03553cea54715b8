namespace Gatehouse.Hosting;

/// <inheritdoc cref="IGatehouseBuilder"/>
internal sealed class GatehouseBuilder(IServiceCollection services, IConfiguration configuration) : IGatehouseBuilder
{
    public IServiceCollection Services { get; } = services;

    public IConfiguration Configuration { get; } = configuration;

    public StorageProvider? Storage { get; private set; }

    public void ChooseStorage(StorageProvider provider)
    {
        if (Storage is { } chosen)
        {
            throw new InvalidOperationException($"Gatehouse's storage is already {chosen}; choose one back end.");
        }

        Storage = provider;
    }
}
