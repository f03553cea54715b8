using Gatehouse.Keys;
using Gatehouse.OpenAI;

namespace Gatehouse.Gateway;

/// <summary>
/// Checks the caller's key against the in-memory registry. Runs before recording: a call with no
/// valid key leaves no record (it cannot be attributed, and it must not let anyone fill the history).
/// </summary>
internal sealed class AuthenticationStage(IKeyRegistry keys) : IGatewayStage
{
    public Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        var check = context.Http.Features.Get<InProcessCall>() is { } inProcess
            ? keys.Recheck(inProcess.Caller, out var caller)
            : keys.Check(context.Http.Request, out caller);
        if (check == KeyCheck.Valid)
        {
            context.Call = context.Call with { Caller = caller };
            return next(context);
        }

        return context.WriteErrorAsync(ErrorFor(check));
    }

    /// <summary>The same check for endpoints outside the pipeline (<c>/v1/models</c>, <c>count_tokens</c>): the caller, or the error to answer with.</summary>
    public static bool TryAuthenticate(HttpRequest request, IKeyRegistry keys, out CallerIdentity caller, out OpenAIError error)
    {
        var check = keys.Check(request, out var identity);
        caller = identity!;
        error = check == KeyCheck.Valid ? null! : ErrorFor(check);
        return check == KeyCheck.Valid;
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
