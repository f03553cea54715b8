using Gatehouse.Records;
using Npgsql;
using NpgsqlTypes;

namespace Gatehouse.Storage.PostgreSql;

internal sealed partial class PostgreSqlRequestRecordStore
{
    private const string Columns =
        """
        id, timestamp_us, key_id, endpoint, requested_model, deployment, provider, status_code,
        error_class, error_message, input_tokens, output_tokens, cached_input_tokens, cache_write_input_tokens, reasoning_tokens,
        usage_estimated, cost_pusd, latency_ms, time_to_first_token_ms, streamed, failed_attempts, cache_status,
        tools_offered, tools_sent, tool_tokens_offered, tool_tokens_sent, tool_search_rounds
        """;

    // ON COMMIT DROP: the staging table lives for one batch's transaction, so a pooled connection
    // never carries it over; LIKE copies the column types (not the constraints, which the INSERT checks).
    private const string CreateStagingSql =
        "CREATE TEMP TABLE request_records_staging (LIKE request_records INCLUDING DEFAULTS) ON COMMIT DROP";

    // (id, timestamp_us) is the partitioned table's key; a replayed record has both unchanged.
    private const string InsertFromStagingSql =
        "INSERT INTO request_records (" + Columns + ")\nSELECT " + Columns + " FROM request_records_staging\nON CONFLICT (id, timestamp_us) DO NOTHING";

    private const string CopySql = "COPY request_records_staging (" + Columns + ") FROM STDIN (FORMAT BINARY)";

    private static async Task CopyAsync(NpgsqlConnection connection, IReadOnlyList<RequestRecord> records, CancellationToken cancellationToken)
    {
        await using var writer = await connection.BeginBinaryImportAsync(CopySql, cancellationToken);
        foreach (var r in records)
        {
            await writer.StartRowAsync(cancellationToken);
            await writer.WriteAsync(StorageValues.ToText(r.Id), NpgsqlDbType.Text, cancellationToken);
            await writer.WriteAsync(StorageValues.ToUnixMicroseconds(r.Timestamp), NpgsqlDbType.Bigint, cancellationToken);
            await WriteTextAsync(writer, r.KeyId, cancellationToken);
            await WriteTextAsync(writer, r.Endpoint, cancellationToken);
            await WriteTextAsync(writer, r.RequestedModel, cancellationToken);
            await WriteTextAsync(writer, r.Deployment, cancellationToken);
            await WriteTextAsync(writer, r.Provider, cancellationToken);
            await writer.WriteAsync(r.StatusCode, NpgsqlDbType.Integer, cancellationToken);
            await WriteTextAsync(writer, r.ErrorClass, cancellationToken);
            await WriteTextAsync(writer, r.ErrorMessage, cancellationToken);
            await writer.WriteAsync(r.InputTokens, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(r.OutputTokens, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(r.CachedInputTokens, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(r.CacheWriteInputTokens, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(r.ReasoningTokens, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(r.UsageEstimated ? 1 : 0, NpgsqlDbType.Integer, cancellationToken);
            await writer.WriteAsync(StorageValues.ToPicoDollars(r.CostUsd), NpgsqlDbType.Bigint, cancellationToken);
            await writer.WriteAsync(r.LatencyMs, NpgsqlDbType.Double, cancellationToken);
            await WriteAsync(writer, r.TimeToFirstTokenMs, NpgsqlDbType.Double, cancellationToken);
            await writer.WriteAsync(r.Streamed ? 1 : 0, NpgsqlDbType.Integer, cancellationToken);
            await WriteTextAsync(writer, r.FailedAttempts, cancellationToken);
            await WriteTextAsync(writer, r.CacheStatus, cancellationToken);
            await WriteAsync(writer, r.ToolsOffered, NpgsqlDbType.Integer, cancellationToken);
            await WriteAsync(writer, r.ToolsSent, NpgsqlDbType.Integer, cancellationToken);
            await WriteAsync(writer, r.ToolTokensOffered, NpgsqlDbType.Integer, cancellationToken);
            await WriteAsync(writer, r.ToolTokensSent, NpgsqlDbType.Integer, cancellationToken);
            await WriteAsync(writer, r.ToolSearchRounds, NpgsqlDbType.Integer, cancellationToken);
        }

        await writer.CompleteAsync(cancellationToken);
    }

    /// <summary>A record holds what a caller or an upstream sent (a model name, an error message): kept, with U+0000 as U+FFFD (<see cref="PostgreSqlText"/>).</summary>
    private static Task WriteTextAsync(NpgsqlBinaryImporter writer, string? value, CancellationToken cancellationToken)
        => value is null ? writer.WriteNullAsync(cancellationToken) : writer.WriteAsync(PostgreSqlText.Storable(value)!, NpgsqlDbType.Text, cancellationToken);

    private static Task WriteAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type, CancellationToken cancellationToken)
        where T : struct
        => value is { } v ? writer.WriteAsync(v, type, cancellationToken) : writer.WriteNullAsync(cancellationToken);
}
