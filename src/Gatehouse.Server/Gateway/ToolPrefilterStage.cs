using System.Globalization;
using Gatehouse.Configuration;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Tools;
using Microsoft.Extensions.Options;

namespace Gatehouse.Gateway;

/// <summary>
/// Sends the model only the tools the conversation needs (docs/tools.md). When prefiltering is on
/// for the call (its <c>x-gatehouse-tools</c> header, else its key, else its model alias, else
/// <c>Gatehouse:Tools:Prefilter</c>), the tools are ranked and the kept ones spliced into the body
/// byte for byte, with a small search function beside them. Each upstream call is a round through
/// the rest of the pipeline (budget, forwarding) into a <see cref="HeldAnswer"/>: when the model
/// calls the search function, that answer is dropped and the call goes up again with the matching
/// tools added, at most <c>Search:MaxRounds</c> times, the last time with every tool; the client
/// sees only the final answer. Usage and cost are the sum of the rounds. Runs before the budget
/// stage so every round reserves and settles its own cost. A call whose tools are all kept goes
/// through unchanged.
/// </summary>
internal sealed class ToolPrefilterStage(ToolPrefilter prefilter, ToolProfileCache profiles, ToolEmbedder embedder, IOptionsMonitor<GatehouseOptions> options, TimeProvider timeProvider) : IGatewayStage
{
    public async Task InvokeAsync(GatewayContext context, GatewayDelegate next)
    {
        if (!TryReadHeader(context.Http.Request.Headers, out var requested, out var invalid))
        {
            await context.RejectAsync(invalid!);
            return;
        }

        var on = requested ?? context.Caller?.Key?.ToolPrefilter ?? context.Route?.ToolPrefilter ?? options.CurrentValue.Tools.Prefilter;
        var request = on && context.Operation == ApiOperation.ChatCompletions && context.Dialect == ApiDialect.OpenAI
            ? ToolRequestReader.Read(context.Body!.Memory.Span, profiles)
            : null;
        if (request is null)
        {
            await next(context);
            return;
        }

        var compiled = prefilter.Current;
        var similarity = compiled.EmbeddingModel is { } model && context.Caller is { } caller && request.Count > compiled.Settings.MinTools
            ? await embedder.SimilarityAsync(caller, context.Body!.Memory, request, request.Signals.LastUserText, model, compiled.EmbeddingTimeout, context.Http.RequestAborted)
            : null;
        var selection = ToolSelector.Select(request.Profiles, request.Signals, compiled.Settings, similarity, compiled.Search.Enabled ? compiled.SearchToolTokens : 0);
        var accounting = context.Tools = new ToolAccounting { Offered = request.Count, OfferedTokens = request.TokensOf(null), Embedded = similarity is not null };
        if (selection.KeepsAll)
        {
            // Nothing to drop: the client's body goes up as it came.
            accounting.Sent = request.Count;
            accounting.SentTokens = accounting.OfferedTokens;
            WriteHeaders(context.Http.Response, accounting);
            await next(context);
            return;
        }

        await RunRoundsAsync(context, next, request, selection.Kept, compiled, accounting);
    }

    private async Task RunRoundsAsync(GatewayContext context, GatewayDelegate next, ToolRequest request, bool[] sent, ToolPrefilter.Compiled compiled, ToolAccounting accounting)
    {
        var search = compiled.Search;
        var canSearch = search.Enabled && !request.ToolChoiceRestricts && !request.Profiles.Any(p => p.Name == search.Name);
        var stream = context.Request!.Stream;
        for (var round = 0; ; round++)
        {
            var everyTool = Array.TrueForAll(sent, static s => s);
            var offerSearch = canSearch && !everyTool && round < search.MaxRounds;
            using var narrowed = everyTool ? null : ToolBodyWriter.Write(context.Body!.Memory.Span, request, sent, offerSearch ? compiled.SearchToolJson : null);
            var parsed = narrowed is null ? context.Request : OpenAIRequestReader.Read(narrowed.Memory.Span, context.Operation, out _)!;
            accounting.Sent = sent.Count(static s => s);
            accounting.SentTokens += request.TokensOf(sent) + (offerSearch ? compiled.SearchToolTokens : 0);

            var watcher = stream && offerSearch ? new SearchCallReader.StreamWatcher(search.Name, search.StreamHoldback == ToolStreamHoldback.WholeAnswer) : null;
            var held = new HeldAnswer(context.Http, watcher, response => BeforeRelease(context, response, accounting));
            var (roundHttp, roundResponse) = VirtualResponse.CreateContext(context.Http.Request, held, context.Aborted);
            var roundContext = context.ForRound(roundHttp, narrowed ?? context.Body!, parsed);
            try
            {
                await next(roundContext);
                await roundResponse.CompleteAsync();
            }
            finally
            {
                context.AddRound(roundContext);
            }

            var query = offerSearch && !held.Released ? SearchQueryOf(held, roundResponse.BodyAborted, roundContext, search.Name) : null;
            if (query is null)
            {
                await held.ReleaseAsync();
                if (roundResponse.BodyAborted)
                {
                    await StreamRelay.AbortBodyAsync(context.Http, timeProvider);
                }

                return;
            }

            // The model asked for tools: its answer is dropped and the call goes up again, wider.
            accounting.SearchRounds++;
            var similarity = compiled.EmbeddingModel is { } model && context.Caller is { } caller
                ? await embedder.SimilarityAsync(caller, context.Body!.Memory, request, query, model, compiled.EmbeddingTimeout, context.Http.RequestAborted)
                : null;
            prefilter.Widen(request, sent, query, search.MaxResults, similarity);
            if (round + 1 >= search.MaxRounds)
            {
                Array.Fill(sent, true);
            }
        }
    }

    /// <summary>The search text when the held answer is a successful call of the search function; null when it is the answer.</summary>
    private static string? SearchQueryOf(HeldAnswer held, bool bodyAborted, GatewayContext round, string searchName)
    {
        if (round.ErrorClass is not null || held.StatusCode != StatusCodes.Status200OK || bodyAborted)
        {
            return null;
        }

        return held.Watcher is { } watcher
            ? watcher.Decision == StreamDecision.Search ? watcher.Query : null
            : SearchCallReader.FromCompletion(held.HeldBody, searchName);
    }

    private static void BeforeRelease(GatewayContext context, HttpResponse response, ToolAccounting accounting)
    {
        WriteHeaders(response, accounting);
        if (accounting.SearchRounds > 0 && !context.Request!.Stream && context.ErrorClass is null)
        {
            // The usage headers the last round wrote cover it alone; the call paid for every round.
            UsageMeter.WriteHeaders(context);
        }
    }

    private static void WriteHeaders(HttpResponse response, ToolAccounting accounting)
    {
        var headers = response.Headers;
        headers[GatehouseHeaders.ToolsOffered] = accounting.Offered.ToString(CultureInfo.InvariantCulture);
        headers[GatehouseHeaders.ToolsSent] = accounting.Sent.ToString(CultureInfo.InvariantCulture);
        headers[GatehouseHeaders.ToolTokensOffered] = accounting.OfferedTokens.ToString(CultureInfo.InvariantCulture);
        headers[GatehouseHeaders.ToolTokensSent] = accounting.SentTokens.ToString(CultureInfo.InvariantCulture);
        headers[GatehouseHeaders.ToolRanking] = accounting.Embedded ? "lexical+embedding" : "lexical";
        if (accounting.SearchRounds > 0)
        {
            headers[GatehouseHeaders.ToolSearchRounds] = accounting.SearchRounds.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary><c>x-gatehouse-tools</c>: <c>prefilter</c> (or <c>on</c>) turns prefiltering on for the call, <c>off</c> off; anything else is a 400 naming the header.</summary>
    internal static bool TryReadHeader(IHeaderDictionary headers, out bool? prefilter, out OpenAIError? error)
    {
        prefilter = null;
        error = null;
        if (!headers.TryGetValue(GatehouseHeaders.Tools, out var value))
        {
            return true;
        }

        switch (value.ToString().Trim().ToLowerInvariant())
        {
            case "prefilter" or "on":
                prefilter = true;
                return true;
            case "off":
                prefilter = false;
                return true;
            default:
                error = new OpenAIError(StatusCodes.Status400BadRequest, $"Header '{GatehouseHeaders.Tools}' has the value '{value}'; use one of: prefilter, off.",
                    "invalid_request_error", GatehouseHeaders.Tools, "invalid_header");
                return false;
        }
    }
}
