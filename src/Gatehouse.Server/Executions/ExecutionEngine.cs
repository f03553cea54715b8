using System.Text.Json;

namespace Gatehouse.Executions;

/// <summary>
/// Runs a rendered call: sends it through the request pipeline as the caller (<see cref="PipelineClient"/>),
/// checks the output against its contract (<see cref="OutputValidator"/>), sends a failed output back
/// to the model with its errors until it passes or the repair attempts run out, and stores the
/// execution with every attempt (<see cref="ExecutionRecorder"/>). Sits above the pipeline and uses it
/// as any client does, so keys, limits, cache, budgets, routing, resilience and records all apply.
/// </summary>
internal sealed class ExecutionEngine(PipelineClient client, ExecutionRecorder recorder, TimeProvider timeProvider)
{
    /// <summary>Repairs beyond this are not attempted whatever the version asks: each one is a paid model call.</summary>
    public const int MaxRepairAttempts = 10;

    /// <summary>
    /// Runs <paramref name="request"/> to its end and returns the stored execution. The model's
    /// failures are not exceptions: they are the execution's status and error class. Throws only
    /// when the execution could not be stored (its model calls are still in the request history).
    /// </summary>
    /// <param name="onDelta">For a streamed execution, sees each piece of text as it arrives.</param>
    /// <param name="cancellationToken">The caller going away: the call in flight stops (recorded as 499) and the execution is stored as <c>failed</c> / <c>cancelled</c>.</param>
    public async Task<Execution> ExecuteAsync(ExecutionRequest request, Action<ExecutionDelta>? onDelta = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var createdAt = timeProvider.GetUtcNow();
        var started = timeProvider.GetTimestamp();
        var run = await RunAsync(request, onDelta, cancellationToken);
        var attempts = run.Attempts;
        var final = attempts.Count > 0 ? attempts[^1] : null;
        var execution = new Execution
        {
            Id = Guid.CreateVersion7(createdAt),
            CreatedAt = createdAt,
            CompletedAt = timeProvider.GetUtcNow(),
            PromptId = request.Prompt?.Id,
            PromptSlug = request.Prompt?.Slug,
            PromptVersionId = request.Prompt?.VersionId,
            Label = request.Prompt?.Label,
            KeyId = request.Caller.KeyId,
            Owner = request.Caller.Owner,
            Status = run.Status,
            ErrorClass = run.ErrorClass,
            ErrorMessage = run.ErrorMessage,
            Retryable = ExecutionErrors.IsRetryable(run.ErrorClass),
            RepairCount = Math.Max(0, attempts.Count - 1),
            Attempts = attempts,
            Inputs = request.Inputs,
            Messages = request.Call.Messages,
            RawOutput = run.Answer?.Content,
            Output = run.Check?.Output,
            ToolCalls = run.Answer?.ToolCalls,
            ValidationStatus = run.Check?.Status ?? ValidationStatuses.Skipped,
            ValidationErrors = run.Check?.Errors ?? [],
            Model = request.Overrides?.Model ?? request.Call.Model,
            Deployment = final?.Deployment,
            InputTokens = attempts.Sum(static a => a.InputTokens),
            OutputTokens = attempts.Sum(static a => a.OutputTokens),
            CostUsd = attempts.Sum(static a => a.CostUsd),
            LatencyMs = timeProvider.GetElapsedTime(started).TotalMilliseconds,
            CacheStatus = final?.CacheStatus,
            Streamed = request.Stream,
            RetryOf = request.RetryOf,
            Call = request.Call,
            Overrides = request.Overrides,
        };

        await recorder.SaveAsync(execution);
        return execution;
    }

    private async Task<Run> RunAsync(ExecutionRequest request, Action<ExecutionDelta>? onDelta, CancellationToken cancellationToken)
    {
        var attempts = new List<ExecutionAttempt>();
        if (!OutputValidator.TryCreate(request.Call, out var validator, out var schemaError))
        {
            return Run.Failed(attempts, ExecutionErrors.InvalidRequest, schemaError!);
        }

        var repairTurns = new List<JsonElement>();
        var maxAttempts = 1 + Math.Clamp(request.Call.MaxRepairAttempts, 0, MaxRepairAttempts);
        for (var number = 1; ; number++)
        {
            var attempt = number;
            using var assembler = request.Stream ? new ChatStreamAssembler(onDelta is null ? null : text => onDelta(new ExecutionDelta(attempt, text))) : null;
            var body = ChatRequestBody.Build(request.Call, request.Overrides, repairTurns, request.Stream);
            var answer = await client.SendChatAsync(new PipelineCall(request.Caller, body, OnBody: assembler is null ? null : assembler.Feed), cancellationToken);
            var chat = !answer.Succeeded ? null : assembler?.ToAnswer() ?? ChatAnswer.FromCompletion(answer.Body);
            if (chat is null)
            {
                var (gatewayClass, message) = answer.Succeeded
                    ? ("upstream_malformed_response", "The answer is not a chat completion.")
                    : (answer.ErrorClass, answer.ErrorMessage ?? $"The model call failed with status {answer.StatusCode}.");
                attempts.Add(AttemptFrom(attempt, answer, null, null, gatewayClass, message));
                return Run.Failed(attempts, ExecutionErrors.Classify(answer.StatusCode, gatewayClass), message);
            }

            var check = validator.Check(chat);
            attempts.Add(AttemptFrom(attempt, answer, chat, check, null, null));
            if (!check.Failed)
            {
                return new Run(attempts, ExecutionStatuses.Completed, null, null, chat, check);
            }

            if (attempt == maxAttempts)
            {
                var tries = attempt == 1 ? "with no repair attempts allowed" : $"after {attempt - 1} repair attempt{(attempt == 2 ? "" : "s")}";
                return new Run(attempts, ExecutionStatuses.ValidationFailed, ExecutionErrors.Validation, $"The output did not pass validation {tries}.", chat, check);
            }

            repairTurns.AddRange(RepairPrompt.TurnsFor(chat.Content, check.Errors));
        }
    }

    private static ExecutionAttempt AttemptFrom(int number, PipelineAnswer answer, ChatAnswer? chat, OutputCheck? check, string? errorClass, string? errorMessage) => new()
    {
        Number = number,
        RequestId = answer.RequestId,
        StatusCode = answer.StatusCode,
        ErrorClass = errorClass,
        ErrorMessage = errorMessage,
        Deployment = answer.Deployment,
        InputTokens = answer.InputTokens,
        OutputTokens = answer.OutputTokens,
        CostUsd = answer.CostUsd,
        LatencyMs = answer.LatencyMs,
        CacheStatus = answer.CacheStatus,
        RawOutput = chat?.Content,
        ValidationStatus = check?.Status ?? ValidationStatuses.Skipped,
        ValidationErrors = check?.Errors ?? [],
    };

    /// <summary>How the attempts ended, before the execution is assembled.</summary>
    private sealed record Run(List<ExecutionAttempt> Attempts, string Status, string? ErrorClass, string? ErrorMessage, ChatAnswer? Answer, OutputCheck? Check)
    {
        public static Run Failed(List<ExecutionAttempt> attempts, string errorClass, string message) =>
            new(attempts, ExecutionStatuses.Failed, errorClass, message, null, null);
    }
}
