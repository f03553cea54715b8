namespace Gatehouse.Configuration;

/// <summary>A public model name clients send (<c>Gatehouse:Models:&lt;name&gt;</c>) and the deployments behind it.</summary>
public sealed class ModelAliasOptions
{
    /// <summary>Deployment names in priority order. This version routes to the first; later ones are for fallback.</summary>
    public List<string> Deployments { get; set; } = [];

    public string? Description { get; set; }
}
