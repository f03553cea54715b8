namespace Gatehouse.Hosting;

/// <summary>
/// What <c>AddGatehouse()</c> returns: the place where a host chooses Gatehouse's back ends (storage,
/// and where the state replicas share lives) before the container is built, as YARP's
/// <c>IReverseProxyBuilder</c> does for its proxy. Each back end is registered once, by the choice
/// that names it, so none is registered by default and replaced afterwards.
/// </summary>
internal interface IGatehouseBuilder
{
    IServiceCollection Services { get; }

    IConfiguration Configuration { get; }

    /// <summary>The storage chosen so far (<c>null</c> until one is); a second choice is an error.</summary>
    StorageProvider? Storage { get; }

    /// <summary>Records the storage choice; throws when one was already made.</summary>
    void ChooseStorage(StorageProvider provider);
}
