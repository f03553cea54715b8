using Gatehouse.Anthropic.Inbound;
using Gatehouse.Hosting;
using Gatehouse.OpenAI;
using Gatehouse.Tools;

namespace Gatehouse.Gateway;

/// <summary>
/// The bodies one round of a prefiltered call sends (see <see cref="ToolPrefilterStage"/>). An OpenAI
/// call's body is narrowed in place. A <c>/v1/messages</c> call carries two bodies: the client's own
/// Anthropic body, which an Anthropic deployment receives untranslated, and its OpenAI translation for
/// every other provider. The tools are narrowed in the client's body (byte for byte, like OpenAI's) and
/// that body is translated again, so both forms always carry the same tools, translated by the one
/// translator the request reading stage uses.
/// </summary>
internal sealed class ToolRoundBody : IDisposable
{
    private ToolRoundBody(PooledBody body, PooledBody? clientBody, ParsedRequest request)
    {
        Body = body;
        ClientBody = clientBody;
        Request = request;
    }

    /// <summary>The OpenAI chat body the pipeline reads and non-Anthropic providers receive.</summary>
    public PooledBody Body { get; }

    /// <summary>The narrowed Anthropic body (for native passthrough); null for OpenAI calls.</summary>
    public PooledBody? ClientBody { get; }

    public ParsedRequest Request { get; }

    /// <summary>The call's bodies with only the <paramref name="sent"/> tools (and <paramref name="searchTool"/>, in the client's dialect, last).</summary>
    public static ToolRoundBody Narrow(GatewayContext context, ToolRequest request, bool[] sent, byte[]? searchTool)
    {
        if (context.Call.Dialect != ApiDialect.Anthropic)
        {
            var narrowed = ToolBodyWriter.Write(context.Call.Body!.Memory.Span, request, sent, searchTool);
            return new ToolRoundBody(narrowed, null, OpenAIRequestReader.Read(narrowed.Memory.Span, context.Call.Operation, out _, RequestJson.DerivedMaxDepth)!);
        }

        var client = ToolBodyWriter.Write(context.Call.ClientBody!.Memory.Span, request, sent, searchTool);

        // The client's body translated once already; the same body with fewer tools and one well-formed tool more cannot fail to.
        var translated = MessagesRequestTranslator.Translate(client.Memory, out var error)
            ?? throw new InvalidOperationException($"A narrowed Messages body no longer translates: {error?.Message}");
        var body = PooledBody.Unpooled(translated.OpenAIBody);
        return new ToolRoundBody(body, client, OpenAIRequestReader.Read(body.Memory.Span, context.Call.Operation, out _, RequestJson.DerivedMaxDepth)!);
    }

    public void Dispose()
    {
        Body.Dispose();
        ClientBody?.Dispose();
    }
}
