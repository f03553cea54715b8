using Gatehouse.Records;
using Microsoft.Data.Sqlite;

namespace Gatehouse.Storage.Sqlite;

internal sealed partial class SqliteRequestRecordStore
{
    /// <summary>
    /// The insert statement with its parameters created once; each row only rebinds values, so
    /// SQLite compiles the statement once per batch.
    /// </summary>
    private sealed class InsertCommand : IDisposable
    {
        private readonly SqliteCommand _command;
        private readonly SqliteParameter _id, _timestamp, _keyId, _endpoint, _requestedModel, _deployment, _provider,
            _statusCode, _errorClass, _errorMessage, _inputTokens, _outputTokens, _cachedInputTokens, _cacheWriteInputTokens, _reasoningTokens,
            _usageEstimated, _cost, _latency, _timeToFirstToken, _streamed, _failedAttempts, _cacheStatus,
            _toolsOffered, _toolsSent, _toolTokensOffered, _toolTokensSent, _toolSearchRounds;

        public InsertCommand(SqliteConnection connection, SqliteTransaction transaction)
        {
            _command = connection.CreateCommand();
            _command.Transaction = transaction;
            _command.CommandText = RequestRecordSql.Insert;
            _id = Add("@id", SqliteType.Text);
            _timestamp = Add("@timestamp_us", SqliteType.Integer);
            _keyId = Add("@key_id", SqliteType.Text);
            _endpoint = Add("@endpoint", SqliteType.Text);
            _requestedModel = Add("@requested_model", SqliteType.Text);
            _deployment = Add("@deployment", SqliteType.Text);
            _provider = Add("@provider", SqliteType.Text);
            _statusCode = Add("@status_code", SqliteType.Integer);
            _errorClass = Add("@error_class", SqliteType.Text);
            _errorMessage = Add("@error_message", SqliteType.Text);
            _inputTokens = Add("@input_tokens", SqliteType.Integer);
            _outputTokens = Add("@output_tokens", SqliteType.Integer);
            _cachedInputTokens = Add("@cached_input_tokens", SqliteType.Integer);
            _cacheWriteInputTokens = Add("@cache_write_input_tokens", SqliteType.Integer);
            _reasoningTokens = Add("@reasoning_tokens", SqliteType.Integer);
            _usageEstimated = Add("@usage_estimated", SqliteType.Integer);
            _cost = Add("@cost_pusd", SqliteType.Integer);
            _latency = Add("@latency_ms", SqliteType.Real);
            _timeToFirstToken = Add("@time_to_first_token_ms", SqliteType.Real);
            _streamed = Add("@streamed", SqliteType.Integer);
            _failedAttempts = Add("@failed_attempts", SqliteType.Text);
            _cacheStatus = Add("@cache_status", SqliteType.Text);
            _toolsOffered = Add("@tools_offered", SqliteType.Integer);
            _toolsSent = Add("@tools_sent", SqliteType.Integer);
            _toolTokensOffered = Add("@tool_tokens_offered", SqliteType.Integer);
            _toolTokensSent = Add("@tool_tokens_sent", SqliteType.Integer);
            _toolSearchRounds = Add("@tool_search_rounds", SqliteType.Integer);
            _command.Prepare();
        }

        public Task<int> ExecuteAsync(RequestRecord record, CancellationToken cancellationToken)
        {
            _id.Value = StorageValues.ToText(record.Id);
            _timestamp.Value = StorageValues.ToUnixMicroseconds(record.Timestamp);
            _keyId.Value = (object?)record.KeyId ?? DBNull.Value;
            _endpoint.Value = record.Endpoint;
            _requestedModel.Value = (object?)record.RequestedModel ?? DBNull.Value;
            _deployment.Value = (object?)record.Deployment ?? DBNull.Value;
            _provider.Value = (object?)record.Provider ?? DBNull.Value;
            _statusCode.Value = record.StatusCode;
            _errorClass.Value = (object?)record.ErrorClass ?? DBNull.Value;
            _errorMessage.Value = (object?)record.ErrorMessage ?? DBNull.Value;
            _inputTokens.Value = record.InputTokens;
            _outputTokens.Value = record.OutputTokens;
            _cachedInputTokens.Value = record.CachedInputTokens;
            _cacheWriteInputTokens.Value = record.CacheWriteInputTokens;
            _reasoningTokens.Value = record.ReasoningTokens;
            _usageEstimated.Value = StorageValues.ToInteger(record.UsageEstimated);
            _cost.Value = StorageValues.ToPicoDollars(record.CostUsd);
            _latency.Value = record.LatencyMs;
            _timeToFirstToken.Value = (object?)record.TimeToFirstTokenMs ?? DBNull.Value;
            _streamed.Value = StorageValues.ToInteger(record.Streamed);
            _failedAttempts.Value = (object?)record.FailedAttempts ?? DBNull.Value;
            _cacheStatus.Value = (object?)record.CacheStatus ?? DBNull.Value;
            _toolsOffered.Value = (object?)record.ToolsOffered ?? DBNull.Value;
            _toolsSent.Value = (object?)record.ToolsSent ?? DBNull.Value;
            _toolTokensOffered.Value = (object?)record.ToolTokensOffered ?? DBNull.Value;
            _toolTokensSent.Value = (object?)record.ToolTokensSent ?? DBNull.Value;
            _toolSearchRounds.Value = (object?)record.ToolSearchRounds ?? DBNull.Value;
            return _command.ExecuteNonQueryAsync(cancellationToken);
        }

        public void Dispose() => _command.Dispose();

        private SqliteParameter Add(string name, SqliteType type) => _command.Parameters.Add(name, type);
    }
}
