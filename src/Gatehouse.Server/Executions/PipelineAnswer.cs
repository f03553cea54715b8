using Gatehouse.Gateway;
using Gatehouse.Records;

namespace Gatehouse.Executions;

/// <summary>
/// What the pipeline answered an in-process call: what a client would have received (status,
/// headers, body) and the call's request record, which holds its usage, cost, latency and outcome.
/// </summary>
internal sealed record PipelineAnswer(
    int StatusCode,
    IReadOnlyDictionary<string, string> Headers,
    ReadOnlyMemory<byte> Body,
    bool BodyAborted,
    RequestRecord? Record)
{
    /// <summary>A complete 2xx answer: no error class on the record (a stream cut after its first byte keeps status 200 but has one).</summary>
    public bool Succeeded => StatusCode is >= 200 and < 300 && !BodyAborted && Record is { ErrorClass: null };

    public Guid? RequestId => Record?.Id;

    public string? Deployment => Record?.Deployment ?? Header(GatehouseHeaders.Deployment);

    /// <summary><c>hit</c>, <c>miss</c>, <c>coalesced</c>, or null when the cache took no part.</summary>
    public string? CacheStatus => Record?.CacheStatus ?? Header(GatehouseHeaders.CacheStatus);

    public decimal CostUsd => Record?.CostUsd ?? 0m;

    public int InputTokens => Record?.InputTokens ?? 0;

    public int OutputTokens => Record?.OutputTokens ?? 0;

    public double LatencyMs => Record?.LatencyMs ?? 0;

    /// <summary>The record's error class (<c>upstream_timeout</c>, <c>budget_exceeded</c>…); for a call that left no record, the status says it.</summary>
    public string? ErrorClass => Record?.ErrorClass ?? (Succeeded ? null : StatusCode == StatusCodes.Status401Unauthorized ? "invalid_api_key" : "http_" + StatusCode);

    public string? ErrorMessage => Record?.ErrorMessage;

    private string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;
}
