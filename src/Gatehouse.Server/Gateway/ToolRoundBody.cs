using Gatehouse.Hosting;
using Gatehouse.OpenAI;
using Gatehouse.Providers;

namespace Gatehouse.Gateway;

/// <summary>
/// The bodies one round of a prefiltered call sends (see <see cref="ToolPrefilterStage"/>), narrowed
/// by the client's dialect (<see cref="Dialects.ClientDialect.NarrowTools"/>). An OpenAI call's body
/// is narrowed in place. A translated call (<c>/v1/messages</c>) carries two bodies: the client's own
/// body, which a deployment in that dialect receives untranslated, and its OpenAI translation for
/// every other provider; both always carry the same tools.
/// </summary>
internal sealed class ToolRoundBody : IDisposable
{
    private ToolRoundBody(PooledBody body, PooledBody? clientBody, ParsedRequest request)
    {
        Body = body;
        ClientBody = clientBody;
        Request = request;
    }

    /// <summary>The OpenAI chat body the pipeline reads and providers that do not speak the client's dialect receive.</summary>
    public PooledBody Body { get; }

    /// <summary>The narrowed body in the client's dialect (for native passthrough); null for OpenAI calls.</summary>
    public PooledBody? ClientBody { get; }

    public ParsedRequest Request { get; }

    /// <summary>A round's bodies: the narrowed OpenAI <paramref name="body"/>, read as the pipeline reads a derived body, and the client's own.</summary>
    public static ToolRoundBody Create(PooledBody body, PooledBody? clientBody, ApiOperation operation) =>
        new(body, clientBody, OpenAIRequestReader.Read(body.Memory.Span, operation, out _, RequestJson.DerivedMaxDepth)!);

    public void Dispose()
    {
        Body.Dispose();
        ClientBody?.Dispose();
    }
}
