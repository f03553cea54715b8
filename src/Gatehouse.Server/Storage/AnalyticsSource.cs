namespace Gatehouse.Storage;

/// <summary>
/// One table analytics counts, described by the columns and conditions that differ: executions and
/// request records are counted by the same queries.
/// </summary>
internal sealed record AnalyticsSource(string Table, string Time, string Succeeded, string Model, string OwnerScope)
{
    public static readonly AnalyticsSource Executions = new(
        "executions", "created_at_us", "status = 'completed'", "model", "owner = @Owner");

    /// <summary>A request succeeded when it answered under 400 with no error class (a stream cut after it started keeps 200 but has one).</summary>
    public static readonly AnalyticsSource Requests = new(
        "request_records", "timestamp_us", "status_code < 400 AND error_class IS NULL", "requested_model",
        "key_id IN (SELECT id FROM virtual_keys WHERE owner = @Owner)");
}
