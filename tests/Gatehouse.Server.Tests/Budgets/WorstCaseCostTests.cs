using Gatehouse.Budgets;
using Gatehouse.Usage;
using Xunit;

namespace Gatehouse.Tests.Budgets;

/// <summary>A reservation prices every token at the highest rate the call could be billed at, so settlement can never exceed it by price.</summary>
public sealed class WorstCaseCostTests
{
    private static readonly ModelPrice Plain = new() { InputPerToken = 0.000001m, OutputPerToken = 0.000002m };

    [Fact]
    public void PlainPrices_InputTimesInputRate_PlusOutputTimesOutputRate()
    {
        Assert.Equal((1000 * 0.000001m) + (500 * 0.000002m), WorstCaseCost.Cost(Plain, 1000, 500));
        Assert.Equal(1000 * 0.000001m, WorstCaseCost.Cost(Plain, 1000, 0));
    }

    [Fact]
    public void PriorityReasoningAndCacheWritePrices_RaiseTheRates()
    {
        var price = Plain with
        {
            InputPriorityPerToken = 0.0000017m,
            CacheWriteInputPerToken = 0.00000125m,
            OutputPriorityPerToken = 0.0000034m,
            ReasoningOutputPerToken = 0.000004m,
            CachedInputPerToken = 0.0000001m, // cheaper: never the worst case
            InputBatchPerToken = 0.0000005m,
        };

        Assert.Equal((1000 * 0.0000017m) + (500 * 0.000004m), WorstCaseCost.Cost(price, 1000, 500));
    }

    [Fact]
    public void LongContextPrices_CountFromNinetyPercentOfTheirThreshold()
    {
        var price = Plain with { InputAbove200kPerToken = 0.000002m, OutputAbove200kPerToken = 0.000003m };
        var justBelow = (CostCalculator.LongContextThreshold / 10 * 9) - 1;

        Assert.Equal((justBelow * 0.000001m) + (10 * 0.000002m), WorstCaseCost.Cost(price, justBelow, 10));
        Assert.Equal(((justBelow + 1) * 0.000002m) + (10 * 0.000003m), WorstCaseCost.Cost(price, justBelow + 1, 10));
    }
}
