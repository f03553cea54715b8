using System.Text.Json;

namespace Gatehouse.Simulator;

/// <summary>
/// A request the simulator refuses as OpenAI would: a 400 <c>invalid_request_error</c> whose
/// <c>param</c> names the field (<c>tools[0].function.name</c>) and whose <c>code</c> says
/// whether its type (<c>invalid_type</c>) or its value (<c>invalid_value</c>) is wrong, in
/// OpenAI's wording ("Invalid type for 'n': expected an integer, but got a string instead.").
/// </summary>
internal sealed record SimulatorRequestError(string Message, string? Param, string? Code = null)
{
    public HttpResponseMessage ToResponse() => OpenAIErrorResponse.Create(400, Message, "invalid_request_error", Param, Code);

    public static SimulatorRequestError InvalidType(string param, string expected, JsonElement actual) =>
        new($"Invalid type for '{param}': expected {expected}, but got {Describe(actual)} instead.", param, "invalid_type");

    public static SimulatorRequestError InvalidValue(string param, string message) => new(message, param, "invalid_value");

    public static SimulatorRequestError Missing(string param) =>
        new($"Missing required parameter: '{param}'.", param, "missing_required_parameter");

    /// <summary>A whole number within <paramref name="min"/>..<paramref name="max"/>, or the error for this field.</summary>
    public static SimulatorRequestError? Integer(JsonElement value, string param, long min, long max, out long result)
    {
        result = 0;
        if (value.ValueKind != JsonValueKind.Number)
        {
            return InvalidType(param, "an integer", value);
        }

        if (!value.TryGetInt64(out result))
        {
            // A fraction is the wrong type; a whole number beyond long is only out of range.
            return value.TryGetDouble(out var number) && Math.Floor(number) == number
                ? InvalidValue(param, $"Invalid value for '{param}': expected an integer between {min} and {max}, but got {value.GetRawText()}.")
                : InvalidType(param, "an integer", value);
        }

        return result < min || result > max
            ? InvalidValue(param, $"Invalid value for '{param}': expected an integer between {min} and {max}, but got {result}.")
            : null;
    }

    /// <summary>How OpenAI names a JSON value's type in its messages.</summary>
    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => value.TryGetInt64(out _) ? "an integer" : "a decimal number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        _ => "null",
    };
}
