using System.Buffers;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Gatehouse.Usage;

namespace Gatehouse.Simulator;

/// <summary>
/// Produces the deterministic answer to a chat request: text, JSON for a response format, or a
/// tool call, with usage counted by the real tokenizer.
/// </summary>
internal static class ChatCompletionGenerator
{
    public static SimulatedCompletion Generate(ChatRequest request, SimulationProfile profile, ITokenCounter counter, CancellationToken cancellationToken = default)
    {
        var seed = Fnv1a.Hash(JsonMarshal.GetRawUtf8Value(request.Messages));
        if (request.Seed is { } s) seed = Fnv1a.Append(seed, (ulong)s);

        var choices = new SimulatedChoice[request.N];
        for (var i = 0; i < choices.Length; i++)
        {
            var random = new SimulatorRandom(Fnv1a.Append(seed, (ulong)i));
            choices[i] = GenerateChoice(request, profile, counter, random, cancellationToken);
        }

        var promptTokens = PromptTokenCounter.Count(request, counter, cancellationToken);
        var cached = (int)(promptTokens * Math.Clamp(profile.CachedPromptPercent, 0, 100) / 100);
        return new SimulatedCompletion(choices, promptTokens, cached);
    }

    private static SimulatedChoice GenerateChoice(ChatRequest request, SimulationProfile profile, ITokenCounter counter, SimulatorRandom random, CancellationToken cancellationToken)
    {
        var reasoningPercent = Math.Clamp(profile.ReasoningTokensPercent, 0, 95);
        var function = ToolSelector.Select(request, random);
        if (function.ValueKind == JsonValueKind.Object)
        {
            var name = function.GetProperty("name").GetString()!;
            var parameters = function.TryGetProperty("parameters", out var p) ? p : default;
            var arguments = parameters.ValueKind == JsonValueKind.Object ? WriteJson(parameters, random).Json : "{}";
            var id = "call_" + RandomId(random, 24);
            var tokens = counter.CountTokens(name, cancellationToken) + counter.CountTokens(arguments, cancellationToken);
            return new SimulatedChoice(null, new SimulatedToolCall(id, name, arguments), "tool_calls", tokens, Reasoning(tokens, reasoningPercent));
        }

        if (JsonFormat(request.ResponseFormat) is { } schema)
        {
            var (json, cutShort) = schema.ValueKind == JsonValueKind.Object ? WriteJson(schema, random) : (ObjectAnswer(random), false);
            var tokens = counter.CountTokens(json, cancellationToken);
            // A schema asking for more than one answer can hold is cut short, as a model stops at its limit.
            return new SimulatedChoice(json, null, cutShort ? "length" : "stop", tokens, Reasoning(tokens, reasoningPercent));
        }

        var natural = Math.Max(1, (int)Math.Round(Math.Max(1, profile.DefaultMaxOutputTokens) * (0.5 + random.NextDouble())));
        var visibleCap = request.MaxTokens is { } cap ? Math.Max(1, cap * (100 - reasoningPercent) / 100) : int.MaxValue;
        var capped = visibleCap < natural;
        var (text, count) = SimulatedText.Generate(random, capped ? visibleCap : natural, capped, counter, cancellationToken);
        var truncated = capped || count > visibleCap;
        if (truncated && count > visibleCap)
        {
            (text, count) = SimulatedText.Generate(new SimulatorRandom(random.NextUInt64()), visibleCap, hardLimit: true, counter, cancellationToken);
        }

        return new SimulatedChoice(text, null, truncated ? "length" : "stop", count, Reasoning(count, reasoningPercent));
    }

    /// <summary>The schema for <c>json_schema</c>, an empty element for <c>json_object</c>, null for text.</summary>
    private static JsonElement? JsonFormat(JsonElement format)
    {
        if (format.ValueKind != JsonValueKind.Object || !format.TryGetProperty("type", out var type)) return null;
        if (type.ValueEquals("json_object")) return default(JsonElement);
        if (!type.ValueEquals("json_schema")) return null;
        return format.TryGetProperty("json_schema", out var js) && js.ValueKind == JsonValueKind.Object &&
            js.TryGetProperty("schema", out var schema) && schema.ValueKind == JsonValueKind.Object
            ? schema
            : default(JsonElement);
    }

    private static int Reasoning(int visibleTokens, int percent) =>
        percent <= 0 ? 0 : (int)Math.Round(visibleTokens * (double)percent / (100 - percent));

    private static (string Json, bool CutShort) WriteJson(JsonElement schema, SimulatorRandom random)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        var generator = new JsonSchemaSampleGenerator(schema, random);
        using (var writer = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions))
        {
            generator.Write(writer);
        }

        return (Encoding.UTF8.GetString(buffer.WrittenSpan), generator.CutShort);
    }

    private static string ObjectAnswer(SimulatorRandom random)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, SimulatorJson.WriterOptions))
        {
            writer.WriteStartObject();
            writer.WriteString("answer", SimulatedText.Sentence(random, random.Next(6, 16)));
            writer.WriteNumber("confidence", Math.Round(random.NextDouble(), 2));
            writer.WriteStartArray("topics");
            for (var i = random.Next(1, 4); i > 0; i--) writer.WriteStringValue(SimulatedText.Word(random));
            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static string RandomId(SimulatorRandom random, int length)
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
        return string.Create(length, random, static (span, r) =>
        {
            for (var i = 0; i < span.Length; i++) span[i] = Alphabet[r.Next(Alphabet.Length)];
        });
    }
}
