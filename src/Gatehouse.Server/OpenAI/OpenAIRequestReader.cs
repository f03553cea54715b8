using System.Text.Json;
using Gatehouse.Hosting;
using Gatehouse.Providers;

namespace Gatehouse.OpenAI;

/// <summary>
/// Validates a request body in one forward pass with <see cref="Utf8JsonReader"/> and picks out the
/// top-level fields the gateway acts on. No DOM is built and nothing is deserialized, so unknown
/// fields cost nothing and reach the upstream byte for byte.
/// </summary>
internal static class OpenAIRequestReader
{
    /// <param name="maxDepth">
    /// <see cref="RequestJson.MaxDepth"/> for a client's body, <see cref="RequestJson.DerivedMaxDepth"/>
    /// for one Gatehouse wrote from it (a translation, a narrowed tool list).
    /// </param>
    public static ParsedRequest? Read(ReadOnlySpan<byte> body, ApiOperation operation, out OpenAIError? error, int maxDepth = RequestJson.MaxDepth)
    {
        try
        {
            return ReadCore(body, operation, maxDepth, out error);
        }
        catch (JsonException ex)
        {
            // The error path only: say what is wrong (too deep, or where the grammar breaks).
            error = OpenAIError.InvalidJson(RequestJson.FindError(body) ?? $"line {ex.LineNumber + 1}, byte {ex.BytePositionInLine}");
            return null;
        }
    }

    /// <summary>
    /// Finds only the top-level <c>model</c> of a body already known to be valid JSON, for a
    /// model-only rewrite (nothing else is inspected and <see cref="ParsedRequest.Stream"/> is false).
    /// </summary>
    public static ParsedRequest? ReadModel(ReadOnlySpan<byte> body)
    {
        var reader = new Utf8JsonReader(body, RequestJson.DerivedReaderOptions);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        var objectContentStart = (int)reader.TokenStartIndex + 1;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var isModel = reader.ValueTextEquals("model"u8);
            reader.Read();
            if (isModel && reader.TokenType == JsonTokenType.String)
            {
                var start = (int)reader.TokenStartIndex;
                return new ParsedRequest { Model = reader.GetString()!, ModelValue = start..(int)reader.BytesConsumed, ObjectContentStart = objectContentStart };
            }

            reader.Skip();
        }

        return null;
    }

    private static ParsedRequest? ReadCore(ReadOnlySpan<byte> body, ApiOperation operation, int maxDepth, out OpenAIError? error)
    {
        var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow, MaxDepth = maxDepth });
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            error = OpenAIError.InvalidJson("the body is not a JSON object");
            return null;
        }

        var objectContentStart = (int)reader.TokenStartIndex + 1;
        string? model = null;
        Range modelValue = default;
        var stream = false;
        Range? streamOptions = null;
        var includeUsage = false;
        var hasPayload = false;
        int? maxTokens = null, maxCompletionTokens = null;
        error = null;

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = reader.ValueSpan;
            var escapedName = reader.ValueIsEscaped;
            reader.Read();
            var start = (int)reader.TokenStartIndex;

            if (!escapedName && name.SequenceEqual("model"u8))
            {
                if (reader.TokenType != JsonTokenType.String)
                {
                    error ??= OpenAIError.InvalidType("model", "a string");
                    reader.Skip();
                }
                else
                {
                    model = reader.GetString();
                    modelValue = start..((int)reader.BytesConsumed);
                }
            }
            else if (!escapedName && name.SequenceEqual("stream"u8))
            {
                if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    stream = reader.GetBoolean();
                }
                else if (reader.TokenType != JsonTokenType.Null)
                {
                    error ??= OpenAIError.InvalidType("stream", "a boolean");
                    reader.Skip();
                }
            }
            else if (!escapedName && name.SequenceEqual("stream_options"u8) && reader.TokenType == JsonTokenType.StartObject)
            {
                includeUsage = ReadIncludeUsage(ref reader);
                streamOptions = start..((int)reader.BytesConsumed);
            }
            else if (!escapedName && (name.SequenceEqual("max_tokens"u8) || name.SequenceEqual("max_completion_tokens"u8)))
            {
                // Saturating: 1e12 or 9999999999 is a call as large as there is, not one without a limit.
                int? value = reader.TokenType == JsonTokenType.Number ? Usage.TokenMath.FromJsonNumber(ref reader) : null;
                if (name.SequenceEqual("max_tokens"u8))
                {
                    maxTokens = value;
                }
                else
                {
                    maxCompletionTokens = value;
                }

                reader.Skip();
            }
            else if (!escapedName && operation == ApiOperation.ChatCompletions && name.SequenceEqual("messages"u8))
            {
                hasPayload = true;
                error ??= CheckMessages(ref reader);
            }
            else if (!escapedName && operation == ApiOperation.Embeddings && name.SequenceEqual("input"u8))
            {
                hasPayload = true;
                error ??= CheckInput(ref reader);
            }
            else
            {
                reader.Skip();
            }
        }

        // Drain to the end so trailing garbage is caught, not forwarded.
        while (reader.Read())
        {
        }

        if (error is not null)
        {
            return null;
        }

        if (string.IsNullOrEmpty(model))
        {
            error = OpenAIError.MissingParameter("model");
            return null;
        }

        if (!hasPayload)
        {
            error = OpenAIError.MissingParameter(operation == ApiOperation.ChatCompletions ? "messages" : "input");
            return null;
        }

        return new ParsedRequest
        {
            Model = model,
            ModelValue = modelValue,
            ObjectContentStart = objectContentStart,
            Stream = stream,
            StreamOptionsValue = streamOptions,
            ClientRequestedUsage = includeUsage,
            MaxOutputTokens = maxCompletionTokens ?? maxTokens,
        };
    }

    private static bool ReadIncludeUsage(ref Utf8JsonReader reader)
    {
        var includeUsage = false;
        var depth = reader.CurrentDepth;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndObject && reader.CurrentDepth == depth))
        {
            if (reader.TokenType == JsonTokenType.PropertyName && reader.CurrentDepth == depth + 1 && reader.ValueTextEquals("include_usage"u8))
            {
                reader.Read();
                includeUsage = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
            {
                reader.Skip();
            }
        }

        return includeUsage;
    }

    private static OpenAIError? CheckMessages(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            reader.Skip();
            return OpenAIError.InvalidType("messages", "an array of message objects");
        }

        var depth = reader.CurrentDepth;
        var count = 0;
        OpenAIError? error = null;
        while (reader.Read() && !(reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth))
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                error ??= OpenAIError.InvalidType($"messages[{count}]", "an object");
            }

            count++;
            reader.Skip();
        }

        return error ?? (count == 0 ? OpenAIError.EmptyArray("messages") : null);
    }

    private static OpenAIError? CheckInput(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return null;
            case JsonTokenType.StartArray:
                var depth = reader.CurrentDepth;
                reader.Read();
                var empty = reader.TokenType == JsonTokenType.EndArray && reader.CurrentDepth == depth;
                if (!empty)
                {
                    while (reader.CurrentDepth > depth || reader.TokenType != JsonTokenType.EndArray)
                    {
                        reader.Read();
                    }
                }

                return empty ? OpenAIError.EmptyArray("input") : null;
            default:
                reader.Skip();
                return OpenAIError.InvalidType("input", "a string or an array");
        }
    }
}
