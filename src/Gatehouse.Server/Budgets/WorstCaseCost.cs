using Gatehouse.Gateway;
using Gatehouse.Providers;
using Gatehouse.Routing;
using Gatehouse.Usage;

namespace Gatehouse.Budgets;

/// <summary>
/// The most a call can cost, which is what it reserves: its prompt counted with the tokenizer at
/// the highest input price, plus the most output it may produce at the highest output price, on the
/// most expensive deployment it could reach (the route's deployments and its dedicated fallback
/// chains). "Highest price" takes every price the deployment publishes that the call could be billed
/// at: priority tier (a project may default to it), cache writes, reasoning, audio, and the long-context
/// prices once the prompt comes near their threshold.
/// </summary>
internal sealed class WorstCaseCost(UsageMeter meter, BudgetSettings settings)
{
    /// <summary>
    /// The o200k count only approximates other model families' tokenizers, so long-context prices
    /// count from 90% of their threshold rather than from exactly 200,000 estimated tokens.
    /// </summary>
    private const int LongContextFrom = CostCalculator.LongContextThreshold / 10 * 9;

    public decimal For(GatewayContext context)
    {
        var route = context.Call.Route!;
        var input = meter.EstimateInput(context);
        var worst = 0m;
        worst = Max(worst, context, route.Deployments, input);
        worst = Max(worst, context, route.ContextWindowFallbacks, input);
        worst = Max(worst, context, route.ContentPolicyFallbacks, input);
        return worst;
    }

    /// <summary>The output a call may produce: its own limit, else the model's published maximum, else the configured default.</summary>
    public int MaxOutputTokens(GatewayContext context, ModelPrice? price) => context.Call.Operation == ApiOperation.Embeddings
        ? 0
        : Math.Max(0, context.Call.Request!.MaxOutputTokens ?? price?.MaxOutputTokens ?? settings.Current.DefaultMaxOutputTokens);

    public static decimal Cost(ModelPrice price, int inputTokens, int outputTokens)
    {
        var longContext = inputTokens >= LongContextFrom;
        var inputRate = Highest(
            price.InputPerToken,
            price.InputPriorityPerToken,
            price.CacheWriteInputPerToken,
            price.AudioInputPerToken,
            longContext ? price.InputAbove200kPerToken : null,
            longContext ? price.InputAbove200kPriorityPerToken : null,
            longContext ? price.CacheWriteInputAbove200kPerToken : null);
        var outputRate = Highest(
            price.OutputPerToken,
            price.OutputPriorityPerToken,
            price.ReasoningOutputPerToken,
            price.AudioOutputPerToken,
            longContext ? price.OutputAbove200kPerToken : null,
            longContext ? price.OutputAbove200kPriorityPerToken : null);
        return (inputTokens * inputRate) + (outputTokens * outputRate);
    }

    private decimal Max(decimal worst, GatewayContext context, IReadOnlyList<Deployment>? deployments, int input)
    {
        if (deployments is null)
        {
            return worst;
        }

        foreach (var deployment in deployments)
        {
            // An unpriced deployment's calls are recorded at cost 0, so they reserve nothing.
            if (deployment.Price is { } price)
            {
                worst = Math.Max(worst, Cost(price, input, MaxOutputTokens(context, price)));
            }
        }

        return worst;
    }

    private static decimal Highest(decimal standard, params ReadOnlySpan<decimal?> others)
    {
        var highest = standard;
        foreach (var rate in others)
        {
            if (rate is { } value && value > highest)
            {
                highest = value;
            }
        }

        return highest;
    }
}
