using System.Text;
using Dapper;
using Gatehouse.Executions;

namespace Gatehouse.Storage;

/// <summary>
/// The SQL for <c>executions</c>, written to run unchanged on SQLite and PostgreSQL (named
/// <c>@parameters</c>, <c>ON CONFLICT DO NOTHING</c>, <c>LIMIT</c>), paged like <c>request_records</c>.
/// </summary>
internal static class ExecutionSql
{
    public const int MaxLimit = 200;

    public const string Insert =
        """
        INSERT INTO executions (
            id, created_at_us, completed_at_us, prompt_id, prompt_slug, prompt_version_id, label, key_id, owner, status,
            error_class, error_message, retryable, repair_count, attempts, inputs, raw_output, output, tool_calls,
            validation_status, validation_errors, model, deployment, input_tokens, output_tokens, cost_pusd, latency_ms,
            cache_status, streamed, retry_of, rendered_call, overrides)
        VALUES (
            @Id, @CreatedAtUs, @CompletedAtUs, @PromptId, @PromptSlug, @PromptVersionId, @Label, @KeyId, @Owner, @Status,
            @ErrorClass, @ErrorMessage, @Retryable, @RepairCount, @Attempts, @Inputs, @RawOutput, @Output, @ToolCalls,
            @ValidationStatus, @ValidationErrors, @Model, @Deployment, @InputTokens, @OutputTokens, @CostPusd, @LatencyMs,
            @CacheStatus, @Streamed, @RetryOf, @RenderedCall, @Overrides)
        ON CONFLICT (id) DO NOTHING
        """;

    public const string SelectById = "SELECT " + ExecutionRow.Columns + "\nFROM executions\nWHERE id = @Id";

    /// <summary>Filters, then "strictly after the cursor" in (created desc, id desc) order, one row more than the page to know whether another follows.</summary>
    public static (string Sql, DynamicParameters Parameters, int Limit) BuildQuery(ExecutionQuery query)
    {
        ArgumentNullException.ThrowIfNull(query);
        var limit = Math.Clamp(query.Limit, 1, MaxLimit);
        var sql = new StringBuilder("SELECT ").Append(ExecutionRow.Columns).Append("\nFROM executions\nWHERE 1 = 1");
        var parameters = new DynamicParameters();
        void Filter(string condition, string name, object value)
        {
            sql.Append("\n  AND ").Append(condition);
            parameters.Add(name, value);
        }

        if (query.Owner is { } owner)
        {
            Filter("owner = @Owner", "Owner", owner);
        }

        if (query.KeyId is { } keyId)
        {
            Filter("key_id = @KeyId", "KeyId", keyId);
        }

        if (query.Prompt is { } prompt)
        {
            Filter("(prompt_id = @Prompt OR prompt_slug = @Prompt)", "Prompt", prompt);
        }

        if (query.VersionId is { } version)
        {
            Filter("prompt_version_id = @VersionId", "VersionId", version);
        }

        if (query.Status is { } status)
        {
            if (!ExecutionStatuses.IsKnown(status))
            {
                throw new ArgumentException($"Status must be 'completed', 'failed' or 'validation_failed', not '{status}'.", nameof(query));
            }

            Filter("status = @Status", "Status", status);
        }

        if (query.Model is { } model)
        {
            Filter("model = @Model", "Model", model);
        }

        if (query.RetryOf is { } retryOf)
        {
            Filter("retry_of = @RetryOf", "RetryOf", StorageValues.ToText(retryOf));
        }

        if (query.From is { } from)
        {
            Filter("created_at_us >= @FromUs", "FromUs", StorageValues.ToUnixMicroseconds(from));
        }

        if (query.To is { } to)
        {
            Filter("created_at_us < @ToUs", "ToUs", StorageValues.ToUnixMicroseconds(to));
        }

        if (query.Cursor is { } cursorText)
        {
            // The same (time, id) keyset cursor as the request history.
            if (!RequestRecordCursor.TryDecode(cursorText, out var cursor))
            {
                throw new ArgumentException("The cursor is not one a previous page returned.", nameof(query));
            }

            sql.Append("\n  AND created_at_us <= @CursorTs AND (created_at_us < @CursorTs OR id < @CursorId)");
            parameters.Add("CursorTs", cursor.TimestampUs);
            parameters.Add("CursorId", StorageValues.ToText(cursor.Id));
        }

        sql.Append("\nORDER BY created_at_us DESC, id DESC\nLIMIT @Take");
        parameters.Add("Take", limit + 1);
        return (sql.ToString(), parameters, limit);
    }

    public static ExecutionPage ToPage(List<ExecutionRow> rows, int limit)
    {
        var hasMore = rows.Count > limit;
        var items = rows.Take(limit).Select(static r => r.ToExecution()).ToArray();
        var next = hasMore ? new RequestRecordCursor(rows[limit - 1].CreatedAtUs, Guid.ParseExact(rows[limit - 1].Id, "D")).Encode() : null;
        return new ExecutionPage(items, next);
    }
}
