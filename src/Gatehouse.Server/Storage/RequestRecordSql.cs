using System.Text;
using Dapper;
using Gatehouse.Records;

namespace Gatehouse.Storage;

/// <summary>
/// The SQL for <c>request_records</c>, written to run unchanged on SQLite and PostgreSQL
/// (named <c>@parameters</c>, <c>ON CONFLICT DO NOTHING</c>, <c>LIMIT</c>).
/// </summary>
internal static class RequestRecordSql
{
    public const int MaxLimit = 500;

    public const string Insert =
        """
        INSERT INTO request_records (
            id, timestamp_us, key_id, endpoint, requested_model, deployment, provider, status_code,
            error_class, error_message, input_tokens, output_tokens, cached_input_tokens, cache_write_input_tokens, reasoning_tokens,
            usage_estimated, cost_pusd, latency_ms, time_to_first_token_ms, streamed, failed_attempts, cache_status,
            tools_offered, tools_sent, tool_tokens_offered, tool_tokens_sent, tool_search_rounds)
        VALUES (
            @id, @timestamp_us, @key_id, @endpoint, @requested_model, @deployment, @provider, @status_code,
            @error_class, @error_message, @input_tokens, @output_tokens, @cached_input_tokens, @cache_write_input_tokens, @reasoning_tokens,
            @usage_estimated, @cost_pusd, @latency_ms, @time_to_first_token_ms, @streamed, @failed_attempts, @cache_status,
            @tools_offered, @tools_sent, @tool_tokens_offered, @tool_tokens_sent, @tool_search_rounds)
        ON CONFLICT (id) DO NOTHING
        """;

    private const string SelectColumns =
        """
        SELECT id AS Id, timestamp_us AS TimestampUs, key_id AS KeyId, endpoint AS Endpoint,
               requested_model AS RequestedModel, deployment AS Deployment, provider AS Provider,
               status_code AS StatusCode, error_class AS ErrorClass, error_message AS ErrorMessage,
               input_tokens AS InputTokens, output_tokens AS OutputTokens,
               cached_input_tokens AS CachedInputTokens, cache_write_input_tokens AS CacheWriteInputTokens, reasoning_tokens AS ReasoningTokens,
               usage_estimated AS UsageEstimated, cost_pusd AS CostPusd, latency_ms AS LatencyMs,
               time_to_first_token_ms AS TimeToFirstTokenMs, streamed AS Streamed, failed_attempts AS FailedAttempts,
               cache_status AS CacheStatus,
               tools_offered AS ToolsOffered, tools_sent AS ToolsSent, tool_tokens_offered AS ToolTokensOffered,
               tool_tokens_sent AS ToolTokensSent, tool_search_rounds AS ToolSearchRounds
        FROM request_records
        """;

    public const string SelectById = SelectColumns + "\nWHERE id = @Id";

    /// <summary>What one key's calls cost since a moment (the key index covers it).</summary>
    public const string SumCostByKey =
        "SELECT COALESCE(SUM(cost_pusd), 0) FROM request_records WHERE key_id = @Subject AND timestamp_us >= @FromUs";

    /// <summary>What every key of one owner cost since a moment (an owner never changes, so the key table says whose calls they were).</summary>
    public const string SumCostByOwner =
        "SELECT COALESCE(SUM(cost_pusd), 0) FROM request_records WHERE key_id IN (SELECT id FROM virtual_keys WHERE owner = @Subject) AND timestamp_us >= @FromUs";

    /// <summary>
    /// Builds the page query: filters, then the keyset condition "strictly after the cursor" in
    /// (timestamp desc, id desc) order, fetching one row more than the page to know whether another follows.
    /// </summary>
    /// <exception cref="ArgumentException">The outcome or cursor is not one this store produced.</exception>
    public static (string Sql, DynamicParameters Parameters, int Limit) BuildQuery(RequestRecordQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);

        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        var sql = new StringBuilder(SelectColumns).Append("\nWHERE 1 = 1");
        var parameters = new DynamicParameters();

        if (query.KeyId is not null)
        {
            sql.Append("\n  AND key_id = @KeyId");
            parameters.Add("KeyId", query.KeyId);
        }

        if (query.Model is not null)
        {
            sql.Append("\n  AND requested_model = @Model");
            parameters.Add("Model", query.Model);
        }

        if (query.StatusCode is { } status)
        {
            sql.Append("\n  AND status_code = @StatusCode");
            parameters.Add("StatusCode", status);
        }

        if (query.Outcome is { } outcome)
        {
            if (string.Equals(outcome, "success", StringComparison.OrdinalIgnoreCase))
            {
                sql.Append("\n  AND status_code < 400");
            }
            else if (string.Equals(outcome, "error", StringComparison.OrdinalIgnoreCase))
            {
                sql.Append("\n  AND status_code >= 400");
            }
            else
            {
                throw new ArgumentException($"Outcome must be 'success' or 'error', not '{outcome}'.", nameof(query));
            }
        }

        if (query.From is { } from)
        {
            sql.Append("\n  AND timestamp_us >= @FromUs");
            parameters.Add("FromUs", StorageValues.ToUnixMicroseconds(from));
        }

        if (query.To is { } to)
        {
            sql.Append("\n  AND timestamp_us < @ToUs");
            parameters.Add("ToUs", StorageValues.ToUnixMicroseconds(to));
        }

        if (query.Cursor is { } cursorText)
        {
            if (!RequestRecordCursor.TryDecode(cursorText, out var cursor))
            {
                throw new ArgumentException("The cursor is not one a previous page returned.", nameof(query));
            }

            // Written as a plain range on timestamp_us plus a tie-break so every planner uses the index.
            sql.Append("\n  AND timestamp_us <= @CursorTs AND (timestamp_us < @CursorTs OR id < @CursorId)");
            parameters.Add("CursorTs", cursor.TimestampUs);
            parameters.Add("CursorId", StorageValues.ToText(cursor.Id));
        }

        sql.Append("\nORDER BY timestamp_us DESC, id DESC\nLIMIT @Take");
        parameters.Add("Take", limit + 1);
        return (sql.ToString(), parameters, limit);
    }

    public static RequestRecordPage ToPage(List<RequestRecordRow> rows, int limit)
    {
        var hasMore = rows.Count > limit;
        var count = hasMore ? limit : rows.Count;
        var items = new RequestRecord[count];
        for (var i = 0; i < count; i++)
        {
            items[i] = rows[i].ToRecord();
        }

        string? next = null;
        if (hasMore)
        {
            var last = rows[count - 1];
            next = new RequestRecordCursor(last.TimestampUs, Guid.ParseExact(last.Id, "D")).Encode();
        }

        return new RequestRecordPage(items, next);
    }
}
