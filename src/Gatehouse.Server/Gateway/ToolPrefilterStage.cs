using System.Globalization;
using Gatehouse.Configuration;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Usage;
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
/// through unchanged. A call is filtered in its client's own dialect
/// (<see cref="Dialects.ClientDialect.ReadTools"/>, <see cref="Dialects.ClientDialect.NarrowTools"/>): a
/// <c>/v1/messages</c> call in Anthropic's shape, and its answers, which reach this stage in that
/// shape, are searched for the search call in it.
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

        var on = requested ?? context.Call.Caller?.Key?.ToolPrefilter ?? context.Call.Route?.ToolPrefilter ?? options.CurrentValue.Tools.Prefilter;
        var request = on && context.Call.Operation == ApiOperation.ChatCompletions ? Read(context) : null;
        if (request is null)
        {
            await next(context);
            return;
        }

        var compiled = prefilter.Current;
        var searchTool = SearchToolFor(context, request, compiled);
        var searchTokens = searchTool.Tokens;

        // No embeddings call (money, latency) for a list no cut could be worth cutting.
        var offeredTokens = request.TokensOf(null);
        var cutCanPay = offeredTokens - searchTokens >= compiled.Settings.MinSavedTokens;
        var similarity = compiled.EmbeddingModelFor(request.Signals.LastUserText) is { } model && context.Call.Caller is { } caller && request.Count > compiled.Settings.MinTools && cutCanPay
            ? await embedder.SimilarityAsync(caller, ToolSource(context).Memory, request, request.Signals.LastUserText, model, compiled.EmbeddingTimeout, context.Http.RequestAborted)
            : null;
        var selection = ToolSelector.Select(request.Profiles, request.Signals, compiled.Settings, similarity, searchTokens);
        var accounting = context.Outcome.Tools = new ToolAccounting { Offered = request.Count, OfferedTokens = offeredTokens, Embedded = similarity is not null };
        if (selection.KeepsAll)
        {
            // Nothing to drop: the client's body goes up as it came.
            accounting.Sent = request.Count;
            accounting.SentTokens = accounting.OfferedTokens;
            WriteHeaders(context.Http.Response, accounting);
            await next(context);
            return;
        }

        await RunRoundsAsync(context, next, request, selection.Kept, compiled, searchTool, accounting);
    }

    private async Task RunRoundsAsync(GatewayContext context, GatewayDelegate next, ToolRequest request, bool[] sent, ToolPrefilter.Compiled compiled, (byte[]? Json, int Tokens) searchToolFor, ToolAccounting accounting)
    {
        var search = compiled.Search;
        var (searchTool, searchTokens) = searchToolFor;
        var canSearch = searchTool is not null;
        var stream = context.Call.Request!.Stream;
        var dialect = context.Call.Dialect;
        for (var round = 0; ; round++)
        {
            var everyTool = Array.TrueForAll(sent, static s => s);
            var offerSearch = canSearch && !everyTool && round < search.MaxRounds;
            using var narrowed = everyTool ? null : dialect.NarrowTools(context.Call, request, sent, offerSearch ? searchTool : null);
            accounting.Sent = sent.Count(static s => s);
            accounting.SentTokens = TokenMath.Add(accounting.SentTokens, TokenMath.Add(request.TokensOf(sent), offerSearch ? searchTokens : 0));

            var watcher = stream && offerSearch ? dialect.SearchWatcher(search.Name, search.StreamHoldback == ToolStreamHoldback.WholeAnswer) : null;
            var held = new HeldAnswer(context.Http, watcher, response => BeforeRelease(context, response, accounting));
            var (roundHttp, roundResponse) = VirtualResponse.CreateContext(context.Http.Request, held, context.Aborted);
            // The round's own request (the narrowed tools; a translated call's client body narrowed alongside) and outcome.
            var roundContext = context.ForNestedRun(
                roundHttp, narrowed is null ? null : context.Call with { Body = narrowed.Body, ClientBody = narrowed.ClientBody, Request = narrowed.Request });
            try
            {
                await next(roundContext);
                await roundResponse.CompleteAsync();
            }
            finally
            {
                // Usage and cost add up over the rounds; the last round's status is the call's.
                context.Outcome.Add(roundContext.Outcome);
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
            var similarity = compiled.EmbeddingModelFor(query) is { } model && context.Call.Caller is { } caller
                ? await embedder.SimilarityAsync(caller, ToolSource(context).Memory, request, query, model, compiled.EmbeddingTimeout, context.Http.RequestAborted)
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
        if (round.Outcome.ErrorClass is not null || held.StatusCode != StatusCodes.Status200OK || bodyAborted)
        {
            return null;
        }

        return held.Watcher is { } watcher
            ? watcher.Decision == StreamDecision.Search ? watcher.Query : null
            : round.Call.Dialect.FindSearchCall(held.HeldBody, searchName);
    }

    /// <summary>
    /// The call's tools, read from the body the client sent: an OpenAI chat body, or a
    /// <c>/v1/messages</c> body in Anthropic's shape (not its OpenAI translation, so its own bytes
    /// can be narrowed and passed through to an Anthropic deployment). Null when there is nothing to filter.
    /// </summary>
    private ToolRequest? Read(GatewayContext context) =>
        context.Call.Dialect.ToolBody(context.Call) is { } body ? context.Call.Dialect.ReadTools(body.Memory.Span, profiles, context.Aborted) : null;

    /// <summary>The search function in the client's dialect and its tokens; none (null, 0) when it cannot be offered: searching is off, <c>tool_choice</c> rules it out, or a client tool has its name.</summary>
    private static (byte[]? Json, int Tokens) SearchToolFor(GatewayContext context, ToolRequest request, ToolPrefilter.Compiled compiled)
    {
        var search = compiled.Search;
        if (!search.Enabled || request.ToolChoiceRestricts || request.Profiles.Any(p => p.Name == search.Name))
        {
            return (null, 0);
        }

        return context.Call.Dialect.SearchTool(compiled);
    }

    /// <summary>The body the call's <see cref="ToolRequest"/> was read from (its byte ranges point into it).</summary>
    private static PooledBody ToolSource(GatewayContext context) => context.Call.Dialect.ToolBody(context.Call)!;

    private static void BeforeRelease(GatewayContext context, HttpResponse response, ToolAccounting accounting)
    {
        WriteHeaders(response, accounting);
        if (accounting.SearchRounds > 0 && !context.Call.Request!.Stream && context.Outcome.ErrorClass is null)
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
