namespace Gatehouse.Degradation;

/// <summary>How much of its service Gatehouse gives, from everything to answers from the cache alone.</summary>
public enum DegradationLevel
{
    /// <summary>Everything: routing, retries, fallback, streaming.</summary>
    Full = 0,

    /// <summary>Answers come from the cache wherever one is stored (for every model, not only cached ones); retries are skipped, fallback still happens.</summary>
    Degraded = 1,

    /// <summary>As degraded, plus: each call goes to its model's cheapest healthy deployment only, and streaming calls are refused unless cached.</summary>
    Basic = 2,

    /// <summary>Answers from the cache only; anything else gets a 503.</summary>
    Emergency = 3,
}
