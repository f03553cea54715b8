using System.Text.Json;

namespace Gatehouse.Gateway;

/// <summary>Pulls <c>error.message</c> and <c>error.code</c> (or <c>type</c>) out of an upstream's error body, when it has them.</summary>
internal static class UpstreamErrorReader
{
    public static (string? Message, string? Code) Read(ReadOnlySpan<byte> body)
    {
        try
        {
            var reader = new Utf8JsonReader(body);
            string? message = null, code = null, type = null;
            while (reader.Read())
            {
                if (reader.TokenType != JsonTokenType.PropertyName || reader.CurrentDepth != 2)
                {
                    continue;
                }

                var isMessage = reader.ValueTextEquals("message"u8);
                var isCode = reader.ValueTextEquals("code"u8);
                var isType = reader.ValueTextEquals("type"u8);
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    continue;
                }

                if (isMessage)
                {
                    message = reader.GetString();
                }
                else if (isCode)
                {
                    code = reader.GetString();
                }
                else if (isType)
                {
                    type = reader.GetString();
                }
            }

            return (message, code ?? type);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
