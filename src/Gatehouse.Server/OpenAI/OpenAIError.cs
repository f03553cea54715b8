using Gatehouse.Configuration;

namespace Gatehouse.OpenAI;

/// <summary>An error as OpenAI's API reports it: <c>{"error":{"message","type","param","code"}}</c> plus the HTTP status the SDKs map to a typed exception.</summary>
internal sealed record OpenAIError(int StatusCode, string Message, string Type, string? Param = null, string? Code = null)
{
    /// <summary>Short class stored in the request record.</summary>
    public string ErrorClass => Code ?? Type;

    public static OpenAIError InvalidJson(string detail) => new(
        StatusCodes.Status400BadRequest,
        $"We could not parse the JSON body of your request ({detail}). The API expects a JSON object.",
        "invalid_request_error",
        Code: "invalid_json");

    public static OpenAIError MissingParameter(string param) => new(
        StatusCodes.Status400BadRequest, $"Missing required parameter: '{param}'.", "invalid_request_error", param, "missing_required_parameter");

    public static OpenAIError InvalidType(string param, string expected) => new(
        StatusCodes.Status400BadRequest, $"Invalid type for '{param}': expected {expected}.", "invalid_request_error", param, "invalid_type");

    public static OpenAIError EmptyArray(string param) => new(
        StatusCodes.Status400BadRequest,
        $"Invalid '{param}': empty array. Expected an array with minimum length 1, but got an empty array instead.",
        "invalid_request_error",
        param,
        "empty_array");

    public static OpenAIError ModelNotFound(string model) => new(
        StatusCodes.Status404NotFound,
        $"The model '{model}' does not exist or you do not have access to it.",
        "invalid_request_error",
        "model",
        "model_not_found");

    /// <summary>
    /// A model called on an endpoint it does not serve. A 404 with <c>param: model</c>, as OpenAI answers
    /// a chat call to a model that is not a chat model, naming both endpoints so the fix is obvious.
    /// </summary>
    public static OpenAIError WrongEndpoint(string model, ModelKind kind, string calledPath, string servedPaths) => new(
        StatusCodes.Status404NotFound,
        $"The model '{model}' is {(kind == ModelKind.Embedding ? "an embedding" : "a chat")} model and is not supported on {calledPath}; call it on {servedPaths}.",
        "invalid_request_error",
        "model",
        "model_not_supported");

    public static OpenAIError ModelNotAllowed(string model) => new(
        StatusCodes.Status403Forbidden,
        $"This API key is not allowed to use the model '{model}'.",
        "permission_error",
        "model",
        "model_not_allowed");

    public static OpenAIError BodyTooLarge(long limit) => new(
        StatusCodes.Status413PayloadTooLarge,
        $"The request body is larger than the {limit} bytes this gateway accepts.",
        "invalid_request_error",
        Code: "request_too_large");

    public static OpenAIError MissingKey() => new(
        StatusCodes.Status401Unauthorized,
        "You didn't provide an API key. Send it as 'Authorization: Bearer <key>' or in the 'x-api-key' header.",
        "invalid_request_error",
        Code: "missing_api_key");

    public static OpenAIError InvalidKey(string reason) => new(
        StatusCodes.Status401Unauthorized, reason, "invalid_request_error", Code: "invalid_api_key");

    public static OpenAIError Upstream(int statusCode, string message, string code) => new(statusCode, message, "api_error", Code: code);
}
