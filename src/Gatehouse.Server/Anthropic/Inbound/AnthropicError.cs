using Gatehouse.OpenAI;

namespace Gatehouse.Anthropic.Inbound;

/// <summary>
/// An error as Anthropic's API reports it: <c>{"type":"error","error":{"type","message"}}</c> plus
/// the HTTP status the Anthropic SDKs map to a typed exception.
/// </summary>
internal sealed record AnthropicError(int StatusCode, string Type, string Message)
{
    public const string InvalidRequestType = "invalid_request_error";
    public const string AuthenticationType = "authentication_error";
    public const string BillingType = "billing_error";
    public const string PermissionType = "permission_error";
    public const string NotFoundType = "not_found_error";
    public const string RequestTooLargeType = "request_too_large";
    public const string RateLimitType = "rate_limit_error";
    public const string ApiType = "api_error";
    public const string TimeoutType = "timeout_error";
    public const string OverloadedType = "overloaded_error";

    public static AnthropicError InvalidRequest(string message) => new(StatusCodes.Status400BadRequest, InvalidRequestType, message);

    public static AnthropicError InvalidJson(string detail) =>
        InvalidRequest($"The request body is not valid JSON ({detail}). The API expects a JSON object.");

    /// <summary>An error Gatehouse raised in OpenAI's terms, as Anthropic would report it: the same status and message, Anthropic's type for the status.</summary>
    public static AnthropicError FromOpenAI(OpenAIError error) => new(error.StatusCode, TypeForStatus(error.StatusCode), error.Message);

    public static AnthropicError Missing(string path) => InvalidRequest($"{path}: Field required");

    public static AnthropicError InvalidType(string path, string expected) => InvalidRequest($"{path}: Input should be {expected}");

    /// <summary>The error type Anthropic documents for an HTTP status (unknown 4xx → invalid_request_error, unknown 5xx → api_error).</summary>
    public static string TypeForStatus(int statusCode) => statusCode switch
    {
        400 or 422 => InvalidRequestType,
        401 => AuthenticationType,
        402 => BillingType,
        403 => PermissionType,
        404 => NotFoundType,
        413 => RequestTooLargeType,
        429 => RateLimitType,
        504 => TimeoutType,
        503 or 529 => OverloadedType,
        >= 400 and < 500 => InvalidRequestType,
        _ => ApiType,
    };
}
