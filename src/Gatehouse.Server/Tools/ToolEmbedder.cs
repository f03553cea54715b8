using System.Buffers;
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
/// <see cref="ToolPrefilter.Widen"/> to blend with the lexical score. One <c>/v1/embeddings</c> call
/// per prefiltered call, sent through the gateway pipeline in process as the calling key
/// (<see cref="PipelineClient"/>): it is authorised, rate-limited, budgeted, routed and recorded like
/// any embeddings call of that key, so what the prefilter spends on a client's behalf shows up in
/// the client's own records and costs. The call carries the query and only the tools not embedded
/// before (<see cref="ToolEmbeddingCache"/>). Bounded by a timeout; on any failure the call is
/// ranked lexically alone and a warning is logged: embeddings never fail the client's call.
/// </summary>
internal sealed partial class ToolEmbedder(IServiceProvider services, ToolEmbeddingCache cache, TimeProvider timeProvider, ILogger<ToolEmbedder> logger)
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
        using var timeoutSource = new CancellationTokenSource(timeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeoutSource.Token, cancellationToken);
        float[][] embedded;
        try
        {
            var answer = await client.SendAsync(new PipelineCall(caller, RequestBody(model, query, body.Span, request, missing)), ApiOperation.Embeddings, linked.Token);
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

            embedded = ReadVectors(answer.Body.Span, missing.Count + 1);
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

        for (var m = 0; m < missing.Count; m++)
        {
            vectors[missing[m]] = embedded[m + 1];
            cache.Add(model, hashes[missing[m]], embedded[m + 1]);
        }

        var queryVector = embedded[0];
        var similarity = new float[request.Count];
        for (var i = 0; i < similarity.Length; i++)
        {
            similarity[i] = vectors[i].Length == queryVector.Length ? Dot(queryVector, vectors[i]) : 0f;
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

    private static byte[] RequestBody(string model, string query, ReadOnlySpan<byte> body, ToolRequest request, List<int> missing)
    {
        var buffer = new ArrayBufferWriter<byte>(256 + (missing.Count * 256));
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("model"u8, model);
            writer.WriteStartArray("input"u8);
            writer.WriteStringValue(query);
            foreach (var i in missing)
            {
                var reader = new Utf8JsonReader(body[request.Definitions[i]]);
                using var definition = JsonDocument.ParseValue(ref reader);
                var text = TextOf(definition.RootElement);
                writer.WriteStringValue(text.Length > 0 ? text : request.Profiles[i].Name + " ");
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The <c>data[].embedding</c> arrays by <c>index</c>, each scaled to unit length.</summary>
    private static float[][] ReadVectors(ReadOnlySpan<byte> json, int expected)
    {
        var reader = new Utf8JsonReader(json);
        using var document = JsonDocument.ParseValue(ref reader);
        var vectors = new float[expected][];
        foreach (var item in document.RootElement.GetProperty("data").EnumerateArray())
        {
            var index = item.GetProperty("index").GetInt32();
            var embedding = item.GetProperty("embedding");
            var vector = new float[embedding.GetArrayLength()];
            var k = 0;
            foreach (var value in embedding.EnumerateArray())
            {
                vector[k++] = value.GetSingle();
            }

            var norm = MathF.Sqrt(Dot(vector, vector));
            if (norm > 0)
            {
                for (var j = 0; j < vector.Length; j++)
                {
                    vector[j] /= norm;
                }
            }

            vectors[index] = vector;
        }

        if (Array.Exists(vectors, static v => v is null || v.Length == 0))
        {
            throw new InvalidDataException($"The embeddings answer did not hold the {expected} vectors asked for.");
        }

        return vectors;
    }

    private static float Dot(float[] a, float[] b)
    {
        var sum = 0f;
        for (var i = 0; i < a.Length; i++)
        {
            sum += a[i] * b[i];
        }

        return sum;
    }

    [LoggerMessage(EventId = 1801, Level = LogLevel.Warning, Message = "Tool prefilter: embeddings from {Model} took longer than {TimeoutMs} ms; ranking this call lexically.")]
    private static partial void LogTimedOut(ILogger logger, string model, int timeoutMs);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Warning, Message = "Tool prefilter: embeddings from {Model} failed ({Reason}); ranking this call lexically.")]
    private static partial void LogFailed(ILogger logger, string model, string reason);
}
