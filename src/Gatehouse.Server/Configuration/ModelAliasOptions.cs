namespace Gatehouse.Configuration;

/// <summary>A public model name clients send (<c>Gatehouse:Models:&lt;name&gt;</c>) and the deployments behind it.</summary>
public sealed class ModelAliasOptions
{
    /// <summary>Deployment names in priority order: calls go to the first, and fall back down the list when one fails before answering.</summary>
    public List<string> Deployments { get; set; } = [];

    public string? Description { get; set; }
}
