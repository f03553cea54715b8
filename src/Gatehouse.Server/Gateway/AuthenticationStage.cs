using Gatehouse.Keys;
using Gatehouse.OpenAI;

namespace Gatehouse.Gateway;

/// <summary>
/// Checks the caller's key against the in-memory registry. Runs before recording: a call with no
/// valid key leaves no record (it cannot be attributed, and it must not let anyone fill the history).
/// </summary>
internal sealed class AuthenticationStage(KeyRegistry keys) : IGatewayStage
{
    public Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var check = keys.Check(PresentedKey.From(context.Http.Request), out var caller);
        if (check == KeyCheck.Valid)
        {
            context.Caller = caller;
            return next(context);
        }

        return context.WriteErrorAsync(ErrorFor(check));
    }

    public static OpenAIError ErrorFor(KeyCheck check) => check switch
    {
        KeyCheck.Missing => OpenAIError.MissingKey(),
        KeyCheck.Revoked => OpenAIError.InvalidKey("This API key has been revoked."),
        KeyCheck.Expired => OpenAIError.InvalidKey("This API key has expired."),
        _ => OpenAIError.InvalidKey("Incorrect API key provided."),
    };
}
