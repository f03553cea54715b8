namespace Gatehouse.Configuration;

/// <summary>The <c>Gatehouse</c> configuration section: what to route where, and gateway limits.</summary>
public sealed class GatehouseOptions
{
    public const string SectionName = "Gatehouse";

    public Dictionary<string, ProviderOptions> Providers { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, DeploymentOptions> Deployments { get; set; } = new(StringComparer.Ordinal);

    public Dictionary<string, ModelAliasOptions> Models { get; set; } = new(StringComparer.Ordinal);

    public CacheOptions Cache { get; set; } = new();

    public DegradationOptions Degradation { get; set; } = new();

    /// <summary>Largest accepted request body (<c>/v1</c> and <c>/api</c>); bigger bodies get 413 in the caller's dialect. Kestrel's own limit is set to twice this.</summary>
    public long MaxRequestBodyBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Largest accepted request head: header names and values, plus 4 bytes a line; more gets 431 in the caller's dialect. Kestrel's own limit is set to twice this at start.</summary>
    public int MaxRequestHeadersBytes { get; set; } = 32 * 1024;

    /// <summary>Most request headers accepted; more gets 431 in the caller's dialect. Kestrel's own limit is set to twice this at start.</summary>
    public int MaxRequestHeaderCount { get; set; } = 100;

    /// <summary>Request records waiting in memory for the database; when full, journaled records wait in the journal instead, and others are dropped and counted.</summary>
    public int RecordQueueCapacity { get; set; } = 50_000;

    /// <summary>The record journal: every record on disk before its answer completes.</summary>
    public RecordOptions Records { get; set; } = new();

    /// <summary>
    /// The most retries per deployment a client may ask for with the <c>x-gatehouse-retries</c>
    /// header (0–10). Clients are not trusted with more load on the upstreams than this; a key's
    /// routing settings, set by an admin, may go up to 10.
    /// </summary>
    public int MaxRequestedRetries { get; set; } = 3;

    /// <summary>Budget alerts (webhook) and how a call's worst-case cost is sized.</summary>
    public BudgetOptions Budgets { get; set; } = new();

    /// <summary>Tool prefiltering: which tools go upstream, and the search function that recovers the rest.</summary>
    public ToolOptions Tools { get; set; } = new();

    /// <summary>Redis, when <c>ConnectionStrings:Redis</c> is set: key prefix, start policy, and what limits and budgets do while it is unreachable.</summary>
    public RedisOptions Redis { get; set; } = new();

    /// <summary>Prompt files loaded at start, and the demo prompts.</summary>
    public PromptOptions Prompts { get; set; } = new();

    /// <summary>The storage back end (SQLite or PostgreSQL) and its settings.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Keys, budgets and settings across replicas: the periodic reload from the store.</summary>
    public SharedStateOptions SharedState { get; set; } = new();
}
