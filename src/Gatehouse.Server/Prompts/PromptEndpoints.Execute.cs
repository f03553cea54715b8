using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Gatehouse.Executions;
using Gatehouse.Hosting;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Gatehouse.Prompts;

internal static partial class PromptEndpoints
{
    /// <summary>
    /// <c>POST /api/prompts/{idOrSlug}/execute</c>: resolve the version, render it (every input problem
    /// is a 422 before any model is called), then run it through the execution engine as the caller —
    /// an ordinary call through the gateway pipeline, validated and repaired against the version's
    /// schema, stored with every attempt. 201 with the execution whatever its status; with
    /// <c>"stream": true</c>, server-sent <c>delta</c> events as the model writes, then one <c>execution</c> event.
    /// </summary>
    private static async Task<IResult> ExecuteAsync(
        string idOrSlug, ExecutePromptRequest request, HttpContext http, PromptCatalog catalog, PromptRenderer renderer, ExecutionEngine engine, CancellationToken cancellationToken)
    {
        if (OverrideProblems(request.Overrides) is { Count: > 0 } problems)
        {
            return TypedResults.ValidationProblem(problems, title: "The overrides are not valid; nothing was run.");
        }

        var caller = http.GetCaller();
        var resolution = await catalog.ResolveAsync(idOrSlug, request.Label, request.Version, caller, cancellationToken);
        if (!resolution.Found)
        {
            return Problem(resolution);
        }

        var rendered = renderer.Render(resolution.Version!, request.Inputs);
        if (!rendered.Succeeded)
        {
            return RenderProblem(rendered);
        }

        var execution = new ExecutionRequest
        {
            Caller = caller,
            Call = ToRenderedCall(rendered.Prompt!),
            Prompt = new PromptReference(resolution.Prompt!.Id, resolution.Prompt.Slug, resolution.Version!.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), resolution.Label),
            Inputs = JsonSerializer.SerializeToElement(request.Inputs ?? [], PromptJsonContext.Default.DictionaryStringJsonElement),
            Overrides = request.Overrides is { } o ? new ExecutionOverrides(o.Model, o.Temperature, o.MaxTokens) : null,
            Stream = request.Stream,
        };

        if (!request.Stream)
        {
            var done = await engine.ExecuteAsync(execution, cancellationToken: cancellationToken);
            return TypedResults.Created($"/api/executions/{done.Id}", done);
        }

        await StreamAsync(http, engine, execution, cancellationToken);
        return TypedResults.Empty;
    }

    /// <summary>The rendered version as the engine takes it: the schema becomes the output contract.</summary>
    private static RenderedCall ToRenderedCall(RenderedPrompt prompt) => new()
    {
        Model = prompt.Model,
        Messages = JsonSerializer.SerializeToElement(prompt.Messages.ToArray(), PromptJsonContext.Default.RenderedMessageArray),
        Parameters = prompt.Parameters,
        Tools = prompt.Tools,
        OutputSchema = prompt.ResponseSchema,
        JsonOutput = prompt.ResponseSchema is not null,
        MaxRepairAttempts = prompt.MaxRepairAttempts,
    };

    /// <summary>Sends the model's text as it arrives (<c>event: delta</c>), then the stored execution (<c>event: execution</c>).</summary>
    private static async Task StreamAsync(HttpContext http, ExecutionEngine engine, ExecutionRequest execution, CancellationToken cancellationToken)
    {
        var response = http.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        await response.StartAsync(cancellationToken);

        // The engine reports deltas synchronously; a channel hands them to one writer.
        var deltas = Channel.CreateUnbounded<ExecutionDelta>(new UnboundedChannelOptions { SingleReader = true });
        var writer = Task.Run(async () =>
        {
            await foreach (var delta in deltas.Reader.ReadAllAsync(cancellationToken))
            {
                await WriteEventAsync(response, "delta", JsonSerializer.Serialize(delta, PromptJsonContext.Default.ExecutionDelta), cancellationToken);
            }
        }, cancellationToken);

        Execution done;
        try
        {
            done = await engine.ExecuteAsync(execution, delta => deltas.Writer.TryWrite(delta), cancellationToken);
        }
        finally
        {
            deltas.Writer.TryComplete();
            await writer;
        }

        await WriteEventAsync(response, "execution", JsonSerializer.Serialize(done, GatehouseApiJsonContext.Default.Execution), cancellationToken);
    }

    private static async Task WriteEventAsync(HttpResponse response, string name, string json, CancellationToken cancellationToken)
    {
        await response.Body.WriteAsync(Encoding.UTF8.GetBytes($"event: {name}\ndata: {json}\n\n"), cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
    }

    private static Dictionary<string, string[]> OverrideProblems(ExecutePromptOverrides? overrides)
    {
        var problems = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (overrides is null)
        {
            return problems;
        }

        if (overrides.Model is { } model && string.IsNullOrWhiteSpace(model))
        {
            problems["overrides.model"] = ["Name a model alias, or leave it out for the version's."];
        }

        if (overrides.Temperature is < 0 or > 2)
        {
            problems["overrides.temperature"] = ["Must be between 0 and 2."];
        }

        if (overrides.MaxTokens is < 1)
        {
            problems["overrides.maxTokens"] = ["Must be at least 1."];
        }

        return problems;
    }
}
