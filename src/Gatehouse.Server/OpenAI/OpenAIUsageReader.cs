using System.Text;
using System.Text.Json;
using Gatehouse.Usage;

namespace Gatehouse.OpenAI;

/// <summary>Reads the <c>usage</c> object of an OpenAI response or stream chunk, and the generated text when usage is missing.</summary>
internal static class OpenAIUsageReader
{
    /// <summary>Cheap pre-check so only the chunk that carries usage is parsed (other chunks have <c>"usage":null</c> or nothing).</summary>
    public static bool MayContainUsage(ReadOnlySpan<byte> json) => json.IndexOf("\"usage\":{"u8) >= 0 || json.IndexOf("\"usage\": {"u8) >= 0;

    public static bool TryRead(ReadOnlySpan<byte> json, out TokenUsage usage) => TryRead(json, out usage, out _);

    /// <summary>
    /// Reads <c>usage</c> and the <c>service_tier</c> the call was actually served at
    /// (<c>"priority"</c> is billed at priority prices; anything else at standard).
    /// </summary>
    public static bool TryRead(ReadOnlySpan<byte> json, out TokenUsage usage, out PriceTier tier)
    {
        usage = default;
        tier = PriceTier.Standard;
        var found = false;
        try
        {
            var reader = new Utf8JsonReader(json);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return false;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("usage"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.StartObject)
                    {
                        usage = ReadUsageObject(ref reader);
                        found = true;
                    }
                }
                else if (reader.ValueTextEquals("service_tier"u8))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String && reader.ValueTextEquals("priority"u8))
                    {
                        tier = PriceTier.Priority;
                    }
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }
        }
        catch (JsonException)
        {
            // A body we cannot read has no usage we can trust; the caller estimates instead.
            return false;
        }

        return found;
    }

    private static TokenUsage ReadUsageObject(ref Utf8JsonReader reader)
    {
        int prompt = 0, completion = 0, cached = 0, cacheWrite = 0, reasoning = 0, audioIn = 0, audioOut = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("prompt_tokens"u8))
            {
                prompt = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("completion_tokens"u8))
            {
                completion = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("prompt_tokens_details"u8))
            {
                ReadPromptDetails(ref reader, ref cached, ref cacheWrite, ref audioIn);
            }
            else if (reader.ValueTextEquals("completion_tokens_details"u8))
            {
                ReadDetails(ref reader, "reasoning_tokens"u8, ref reasoning, "audio_tokens"u8, ref audioOut);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new TokenUsage(prompt, completion, cached, reasoning, audioIn, audioOut, cacheWrite);
    }

    /// <summary>
    /// <c>prompt_tokens_details</c>: OpenAI's cached and audio tokens, plus <c>cache_creation_tokens</c>,
    /// which Gatehouse's Anthropic adapter adds for prompt-cache writes (priced apart from reads).
    /// </summary>
    private static void ReadPromptDetails(ref Utf8JsonReader reader, ref int cached, ref int cacheWrite, ref int audio)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("cached_tokens"u8))
            {
                cached = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("cache_creation_tokens"u8))
            {
                cacheWrite = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals("audio_tokens"u8))
            {
                audio = ReadInt(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static void ReadDetails(ref Utf8JsonReader reader, ReadOnlySpan<byte> first, ref int firstValue, ReadOnlySpan<byte> second, ref int secondValue)
    {
        reader.Read();
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            reader.Skip();
            return;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals(first))
            {
                firstValue = ReadInt(ref reader);
            }
            else if (reader.ValueTextEquals(second))
            {
                secondValue = ReadInt(ref reader);
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }
    }

    private static int ReadInt(ref Utf8JsonReader reader)
    {
        reader.Read();
        // Saturating: usage beyond int is charged as the most there is, not as nothing.
        return reader.TokenType == JsonTokenType.Number ? Usage.TokenMath.FromJsonNumber(ref reader) ?? 0 : 0;
    }

    /// <summary>
    /// Appends the generated text of a response or chunk (message or delta content, tool-call
    /// arguments) so output tokens can be counted when the upstream reports no usage.
    /// </summary>
    public static void AppendGeneratedText(ReadOnlySpan<byte> json, StringBuilder text)
    {
        try
        {
            var reader = new Utf8JsonReader(json);
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName
                    && (reader.ValueTextEquals("content"u8) || reader.ValueTextEquals("arguments"u8) || reader.ValueTextEquals("refusal"u8)))
                {
                    reader.Read();
                    if (reader.TokenType == JsonTokenType.String)
                    {
                        text.Append(reader.GetString());
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Partial or malformed chunk: count what could be read.
        }
    }
}
