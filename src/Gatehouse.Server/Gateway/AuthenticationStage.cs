using Gatehouse.Keys;
using Gatehouse.OpenAI;

namespace Gatehouse.Gateway;

/// <summary>
/// Checks the caller's key against the in-memory registry. Runs before recording: a call with no
/// valid key leaves no record (it cannot be attributed, and it must not let anyone fill the history).
/// </summary>
internal sealed class AuthenticationStage(IKeyRegistry keys, KeyAuthenticator authenticator) : IGatewayStage
{
    public Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        if (context.Http.Features.Get<InProcessCall>() is { } inProcess)
        {
            return Continue(context, next, new KeyAuthentication(keys.Recheck(inProcess.Caller, out var caller), caller));
        }

        // A known key is answered without waiting; only a key learned from the store awaits.
        var pending = authenticator.CheckAsync(context.Http.Request, context.Http.RequestAborted);
        return pending.IsCompletedSuccessfully ? Continue(context, next, pending.Result) : ContinueAsync(context, next, pending);
    }

    private static async Task ContinueAsync(GatewayContext context, GatewayDelegate next, ValueTask<KeyAuthentication> pending) =>
        await Continue(context, next, await pending);

    private static Task Continue(GatewayContext context, GatewayDelegate next, KeyAuthentication authentication)
    {
        if (authentication.IsValid)
        {
            context.Call = context.Call with { Caller = authentication.Caller };
            return next(context);
        }

        return context.WriteErrorAsync(ErrorFor(authentication.Check));
    }

    /// <summary>Why a <see cref="KeyCheck.Malformed"/> key is refused (the header's value is never echoed).</summary>
    public const string MalformedMessage =
        "The Authorization header must be 'Bearer <key>'. Another scheme (such as Basic), a Bearer header without a key, or a key header sent twice with different values is refused, even beside a valid 'x-api-key'.";

    public static OpenAIError ErrorFor(KeyCheck check) => check switch
    {
        KeyCheck.Missing => OpenAIError.MissingKey(),
        KeyCheck.Malformed => OpenAIError.InvalidKey(MalformedMessage),
        KeyCheck.Revoked => OpenAIError.InvalidKey("This API key has been revoked."),
        KeyCheck.Expired => OpenAIError.InvalidKey("This API key has expired."),
        _ => OpenAIError.InvalidKey("Incorrect API key provided."),
    };
}
