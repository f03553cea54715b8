using System.IO.Hashing;
using System.Text.Json;
using Gatehouse.Executions;
using Gatehouse.Keys;
using Gatehouse.Providers;
using Microsoft.Extensions.DependencyInjection;

namespace Gatehouse.Tools;

/// <summary>
/// Embedding similarity between a text (a call's last user message, or the model's search text) and
/// each of the call's tools, for <see cref="ToolSelector.Select"/> and
/// <see cref="ToolPrefilter.Widen"/> to blend with the lexical score. Embeddings calls go through the
/// gateway pipeline in process as the calling key (<see cref="PipelineClient"/>): they are
/// authorised, rate-limited, budgeted, routed and recorded like any embeddings call of that key, so
/// what the prefilter spends on a client's behalf shows up in the client's own records and costs.
/// Each call embeds its query; tools not embedded before (<see cref="ToolEmbeddingCache"/>) are
/// embedded by a shared fill (<see cref="FillAsync"/>) that outlives the call. The call waits at
/// most its timeout; on any failure it is ranked lexically alone and a warning is logged:
/// embeddings never fail the client's call.
/// </summary>
internal sealed partial class ToolEmbedder(IServiceProvider services, ToolEmbeddingCache cache, IHostApplicationLifetime lifetime, TimeProvider timeProvider, ILogger<ToolEmbedder> logger)
{
    /// <summary>Cosine similarity of <paramref name="query"/> to each tool (in the client's order), or null when there is none to blend (no text, timeout, failure).</summary>
    public async Task<float[]?> SimilarityAsync(CallerIdentity caller, ReadOnlyMemory<byte> body, ToolRequest request, string? query, string model, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return null;
        }

        var vectors = new float[request.Count][];
        var hashes = new UInt128[request.Count];
        var missing = new List<int>();
        for (var i = 0; i < request.Count; i++)
        {
            hashes[i] = XxHash128.HashToUInt128(body.Span[request.Definitions[i]]);
            if (!cache.TryGet(model, hashes[i], out vectors[i]))
            {
                missing.Add(i);
            }
        }

        // PipelineClient depends on the pipeline, which holds the stage that holds this: resolved on first use.
        var client = services.GetRequiredService<PipelineClient>();
        var fill = missing.Count == 0 ? null : FillAsync(client, caller, model, [.. missing.Select(i => hashes[i])], [.. missing.Select(i => TextOf(body.Span, request, i))]);
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        float[] queryVector;
        try
        {
            if (!cache.TryGetQuery(model, query, out queryVector))
            {
                var answer = await client.SendAsync(new PipelineCall(caller, EmbeddingsJson.Request(model, [query])), ApiOperation.Embeddings, linked.Token);
                if (cancellationToken.IsCancellationRequested)
                {
                    return null;
                }

                if (timeoutSource.IsCancellationRequested)
                {
                    LogTimedOut(logger, model, (int)timeout.TotalMilliseconds);
                    return null;
                }

                if (!answer.Succeeded)
                {
                    LogFailed(logger, model, $"status {answer.StatusCode}, {answer.Record?.ErrorClass ?? "no error class"}");
                    return null;
                }

                queryVector = EmbeddingsJson.ReadVectors(answer.Body.Span, 1)[0];
                cache.AddQuery(model, query, queryVector);
            }

            if (fill is not null)
            {
                // The fill logs its own failure; a fill still running when the call's time is up goes on for the next call.
                if (await fill.WaitAsync(linked.Token) is not { } filled)
                {
                    return null;
                }

                for (var m = 0; m < missing.Count; m++)
                {
                    vectors[missing[m]] = filled[m];
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (timeoutSource.IsCancellationRequested)
            {
                LogTimedOut(logger, model, (int)timeout.TotalMilliseconds);
            }
            else
            {
                LogFailed(logger, model, e.GetType().Name + ": " + e.Message);
            }

            return null;
        }

        var similarity = new float[request.Count];
        for (var i = 0; i < similarity.Length; i++)
        {
            similarity[i] = vectors[i].Length == queryVector.Length ? EmbeddingsJson.Dot(queryVector, vectors[i]) : 0f;
        }

        return similarity;
    }

    /// <summary>What a tool is embedded as: its name and parameter names as words (a model reads words, not identifiers) and its description, e.g. <c>get weather: Get the forecast. Parameters: city, days.</c> for <c>get_weather</c>.</summary>
    public static string TextOf(JsonElement tool)
    {
        var function = tool.ValueKind == JsonValueKind.Object && tool.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object ? f : tool;
        if (function.ValueKind != JsonValueKind.Object)
        {
            return "";
        }

        var name = function.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString() : "";
        var description = function.TryGetProperty("description", out var d) && d.ValueKind == JsonValueKind.String ? d.GetString() : "";
        var text = $"{IdentifierWords.Split(name ?? "")}: {description}";
        if ((function.TryGetProperty("parameters", out var p) || function.TryGetProperty("input_schema", out p)) && p.ValueKind == JsonValueKind.Object
            && p.TryGetProperty("properties", out var properties) && properties.ValueKind == JsonValueKind.Object)
        {
            var names = properties.EnumerateObject().Select(static property => IdentifierWords.Split(property.Name)).ToList();
            if (names.Count > 0)
            {
                text += " Parameters: " + string.Join(", ", names) + ".";
            }
        }

        return text;
    }

    /// <summary>The text of the client's <paramref name="index"/>th tool, read now: the request's body does not outlive the request, a fill may.</summary>
    private static string TextOf(ReadOnlySpan<byte> body, ToolRequest request, int index)
    {
        var reader = new Utf8JsonReader(body[request.Definitions[index]]);
        using var definition = JsonDocument.ParseValue(ref reader);
        var text = TextOf(definition.RootElement);
        return text.Length > 0 ? text : request.Profiles[index].Name + " ";
    }

    [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "Tool prefilter: embeddings from {Model} took longer than {TimeoutMs} ms; ranking this call lexically.")]
    private static partial void LogTimedOut(ILogger logger, string model, int timeoutMs);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Warning, Message = "Tool prefilter: embeddings from {Model} failed ({Reason}); ranking this call lexically.")]
    private static partial void LogFailed(ILogger logger, string model, string reason);
}
