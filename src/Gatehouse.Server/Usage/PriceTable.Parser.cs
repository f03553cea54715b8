using System.Globalization;
using System.Text.Json;

namespace Gatehouse.Usage;

// Reads LiteLLM's model_prices_and_context_window.json with a Utf8JsonReader: one pass, no
// reflection, no DOM. Unknown fields are skipped, fields of the wrong type are ignored, numbers
// are read as exact decimals (1e-06 → 0.000001, no double rounding).
internal sealed partial class PriceTable
{
    private const string SampleSpecKey = "sample_spec";
    private const string LastUpdatedKey = "last_updated";

    /// <summary>Parses a price table in LiteLLM's format (for example a newer copy an operator supplies).</summary>
    public static PriceTable Load(Stream json)
    {
        ArgumentNullException.ThrowIfNull(json);
        byte[] buffer;
        if (json.CanSeek)
        {
            buffer = new byte[json.Length - json.Position];
            json.ReadExactly(buffer);
        }
        else
        {
            using var copy = new MemoryStream();
            json.CopyTo(copy);
            buffer = copy.ToArray();
        }

        return Parse(buffer);
    }

    /// <summary>Parses a price table in LiteLLM's format from UTF-8 JSON.</summary>
    public static PriceTable Parse(ReadOnlySpan<byte> utf8Json)
    {
        var reader = new Utf8JsonReader(utf8Json, new JsonReaderOptions
        {
            CommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
        });

        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            throw new JsonException("A price table must be a JSON object keyed by model name.");
        }

        var prices = new List<KeyValuePair<string, ModelPrice>>(capacity: 3000);
        string? snapshotDate = null;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var model = reader.GetString()!;
            reader.Read();
            if (reader.TokenType == JsonTokenType.StartObject && model != SampleSpecKey)
            {
                if (ReadEntry(ref reader) is { } price)
                {
                    prices.Add(new(model, price));
                }
            }
            else
            {
                if (reader.TokenType == JsonTokenType.String && model == LastUpdatedKey)
                {
                    snapshotDate = reader.GetString();
                }

                reader.Skip();
            }
        }

        return new PriceTable(prices, snapshotDate);
    }

    // Returns null for entries priced by something other than tokens (images, seconds, pixels…):
    // a token-based cost for them would be a made-up zero.
    private static ModelPrice? ReadEntry(ref Utf8JsonReader reader)
    {
        decimal? input = null, output = null;
        decimal? cachedInput = null, cacheWriteInput = null, reasoningOutput = null, audioInput = null;
        decimal? audioOutput = null, inputAbove200k = null, outputAbove200k = null, cachedInputAbove200k = null;
        decimal? cacheWriteInputAbove200k = null, inputBatch = null, outputBatch = null, inputPriority = null;
        decimal? outputPriority = null, cachedInputPriority = null, inputAbove200kPriority = null, outputAbove200kPriority = null;
        int? maxInput = null, maxOutput = null;
        string? mode = null;
        var capabilities = ModelCapabilities.None;
        Span<char> name = stackalloc char[64];
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var length = reader.HasValueSequence || reader.ValueSpan.Length > name.Length ? -1 : reader.CopyString(name);
            reader.Read();
            if (length < 0)
            {
                reader.Skip();
                continue;
            }

            switch (name[..length])
            {
                case "input_cost_per_token": input = ReadDecimal(ref reader); break;
                case "output_cost_per_token": output = ReadDecimal(ref reader); break;
                case "cache_read_input_token_cost": cachedInput = ReadDecimal(ref reader); break;
                case "cache_creation_input_token_cost": cacheWriteInput = ReadDecimal(ref reader); break;
                case "output_cost_per_reasoning_token": reasoningOutput = ReadDecimal(ref reader); break;
                case "input_cost_per_audio_token": audioInput = ReadDecimal(ref reader); break;
                case "output_cost_per_audio_token": audioOutput = ReadDecimal(ref reader); break;
                case "input_cost_per_token_above_200k_tokens": inputAbove200k = ReadDecimal(ref reader); break;
                case "output_cost_per_token_above_200k_tokens": outputAbove200k = ReadDecimal(ref reader); break;
                case "cache_read_input_token_cost_above_200k_tokens": cachedInputAbove200k = ReadDecimal(ref reader); break;
                case "cache_creation_input_token_cost_above_200k_tokens": cacheWriteInputAbove200k = ReadDecimal(ref reader); break;
                case "input_cost_per_token_batches": inputBatch = ReadDecimal(ref reader); break;
                case "output_cost_per_token_batches": outputBatch = ReadDecimal(ref reader); break;
                case "input_cost_per_token_priority": inputPriority = ReadDecimal(ref reader); break;
                case "output_cost_per_token_priority": outputPriority = ReadDecimal(ref reader); break;
                case "cache_read_input_token_cost_priority": cachedInputPriority = ReadDecimal(ref reader); break;
                case "input_cost_per_token_above_200k_tokens_priority": inputAbove200kPriority = ReadDecimal(ref reader); break;
                case "output_cost_per_token_above_200k_tokens_priority": outputAbove200kPriority = ReadDecimal(ref reader); break;
                case "max_input_tokens": maxInput = ReadInt(ref reader); break;
                case "max_output_tokens": maxOutput = ReadInt(ref reader); break;
                case "mode": mode = reader.TokenType == JsonTokenType.String ? reader.GetString() : null; break;
                case "supports_function_calling": capabilities |= Flag(ref reader, ModelCapabilities.Tools); break;
                case "supports_vision": capabilities |= Flag(ref reader, ModelCapabilities.Vision); break;
                case "supports_response_schema": capabilities |= Flag(ref reader, ModelCapabilities.JsonSchema); break;
                case "supports_reasoning": capabilities |= Flag(ref reader, ModelCapabilities.Reasoning); break;
                case "supports_prompt_caching": capabilities |= Flag(ref reader, ModelCapabilities.PromptCaching); break;
                default: reader.Skip(); break;
            }
        }

        if (input is null && output is null)
        {
            return null;
        }

        return new ModelPrice
        {
            InputPerToken = input ?? 0m,
            OutputPerToken = output ?? 0m,
            CachedInputPerToken = cachedInput,
            CacheWriteInputPerToken = cacheWriteInput,
            ReasoningOutputPerToken = reasoningOutput,
            AudioInputPerToken = audioInput,
            AudioOutputPerToken = audioOutput,
            InputAbove200kPerToken = inputAbove200k,
            OutputAbove200kPerToken = outputAbove200k,
            CachedInputAbove200kPerToken = cachedInputAbove200k,
            CacheWriteInputAbove200kPerToken = cacheWriteInputAbove200k,
            InputBatchPerToken = inputBatch,
            OutputBatchPerToken = outputBatch,
            InputPriorityPerToken = inputPriority,
            OutputPriorityPerToken = outputPriority,
            CachedInputPriorityPerToken = cachedInputPriority,
            InputAbove200kPriorityPerToken = inputAbove200kPriority,
            OutputAbove200kPriorityPerToken = outputAbove200kPriority,
            MaxInputTokens = maxInput,
            MaxOutputTokens = maxOutput,
            Mode = mode,
            Capabilities = capabilities,
        };
    }

    private static ModelCapabilities Flag(ref Utf8JsonReader reader, ModelCapabilities flag)
    {
        if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
        {
            reader.Skip();
        }

        return reader.TokenType == JsonTokenType.True ? flag : ModelCapabilities.None;
    }

    private static decimal? ReadDecimal(ref Utf8JsonReader reader)
    {
        decimal value;
        var ok = reader.TokenType switch
        {
            JsonTokenType.Number => reader.TryGetDecimal(out value),
            JsonTokenType.String => decimal.TryParse(reader.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out value),
            _ => Skip(ref reader, out value),
        };
        return ok && value >= 0m ? value : null;
    }

    private static int? ReadInt(ref Utf8JsonReader reader)
    {
        // Some entries write token limits as 2000000.0; accept any integral value that fits.
        var value = ReadDecimal(ref reader);
        return value is { } v && v == decimal.Truncate(v) && v <= int.MaxValue ? (int)v : null;
    }

    private static bool Skip(ref Utf8JsonReader reader, out decimal value)
    {
        reader.Skip();
        value = 0m;
        return false;
    }
}
