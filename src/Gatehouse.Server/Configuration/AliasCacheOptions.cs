namespace Gatehouse.Configuration;

/// <summary><c>Gatehouse:Models:&lt;name&gt;:Cache</c>: the alias's own cache settings; unset values follow <c>Gatehouse:Cache</c>.</summary>
public sealed class AliasCacheOptions
{
    public bool? Enabled { get; set; }

    public int? TtlSeconds { get; set; }
}
