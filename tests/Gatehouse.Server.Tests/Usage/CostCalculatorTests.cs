using Gatehouse.Usage;
using Xunit;

namespace Gatehouse.Tests.Usage;

// Worked invoices for real models from the shipped price table (Usage/Data/model_prices.json,
// LiteLLM snapshot 2026-07-24). Every expected total was worked out by hand from the prices quoted
// in the comment; none is computed by the code under test.
public sealed class CostCalculatorTests
{
    private static readonly Dictionary<string, (string Model, TokenUsage Usage, PriceTier Tier, decimal Expected)> s_invoices = new()
    {
        // gpt-4o-mini: input 1.5e-07, output 6e-07.
        // 1,000 × 0.00000015 = 0.00015; 500 × 0.0000006 = 0.0003.
        ["Plain_Gpt4oMini"] = ("gpt-4o-mini", new TokenUsage(1_000, 500), PriceTier.Standard, 0.00045m),

        // gpt-4o: input 2.5e-06, cache_read 1.25e-06, output 1e-05.
        // uncached 4,000 × 0.0000025 = 0.01; cached 6,000 × 0.00000125 = 0.0075; output 1,000 × 0.00001 = 0.01.
        ["CachedInput_Gpt4o"] = ("gpt-4o", new TokenUsage(10_000, 1_000, CachedInputTokens: 6_000), PriceTier.Standard, 0.0275m),

        // dashscope/qwen-turbo: input 5e-08, output 2e-07, output_cost_per_reasoning_token 5e-07.
        // input 10,000 × 0.00000005 = 0.0005; text output 1,000 × 0.0000002 = 0.0002; reasoning 3,000 × 0.0000005 = 0.0015.
        ["ReasoningPrice_QwenTurbo"] = ("dashscope/qwen-turbo", new TokenUsage(10_000, 4_000, ReasoningTokens: 3_000), PriceTier.Standard, 0.0022m),

        // o3: input 2e-06, output 8e-06, no reasoning price, so reasoning is billed as output.
        // input 2,000 × 0.000002 = 0.004; text output 500 × 0.000008 = 0.004; reasoning 2,500 × 0.000008 = 0.02.
        ["ReasoningAtOutputPrice_O3"] = ("o3", new TokenUsage(2_000, 3_000, ReasoningTokens: 2_500), PriceTier.Standard, 0.028m),

        // gemini-2.5-pro: above 200k tokens input 2.5e-06, output 1.5e-05 (standard 1.25e-06 / 1e-05).
        // 250,000 × 0.0000025 = 0.625; 2,000 × 0.000015 = 0.03.
        ["Above200k_Gemini25Pro"] = ("gemini-2.5-pro", new TokenUsage(250_000, 2_000), PriceTier.Standard, 0.655m),

        // gemini-2.5-pro at exactly 200,000 input tokens: still the standard 1.25e-06 / 1e-05.
        // 200,000 × 0.00000125 = 0.25; 2,000 × 0.00001 = 0.02.
        ["Exactly200k_Gemini25Pro"] = ("gemini-2.5-pro", new TokenUsage(200_000, 2_000), PriceTier.Standard, 0.27m),

        // claude-sonnet-4-20250514 above 200k: input 6e-06, cache_read 6e-07, cache_creation 7.5e-06, output 2.25e-05.
        // uncached 150,000 × 0.000006 = 0.9; cached 100,000 × 0.0000006 = 0.06;
        // cache write 50,000 × 0.0000075 = 0.375; output 1,000 × 0.0000225 = 0.0225.
        ["Above200kWithCache_ClaudeSonnet4"] = ("claude-sonnet-4-20250514",
            new TokenUsage(300_000, 1_000, CachedInputTokens: 100_000, CacheWriteInputTokens: 50_000), PriceTier.Standard, 1.3575m),

        // gpt-4o-mini batch: input_cost_per_token_batches 7.5e-08, output_cost_per_token_batches 3e-07.
        // 1,000,000 × 0.000000075 = 0.075; 200,000 × 0.0000003 = 0.06.
        ["Batch_Gpt4oMini"] = ("gpt-4o-mini", new TokenUsage(1_000_000, 200_000), PriceTier.Batch, 0.135m),

        // gpt-4o priority: input 4.25e-06, cache_read priority 2.125e-06, output 1.7e-05.
        // uncached 4,000 × 0.00000425 = 0.017; cached 6,000 × 0.000002125 = 0.01275; output 1,000 × 0.000017 = 0.017.
        ["Priority_Gpt4o"] = ("gpt-4o", new TokenUsage(10_000, 1_000, CachedInputTokens: 6_000), PriceTier.Priority, 0.04675m),

        // o3 has no batch price in the table: batch falls back to standard 2e-06 / 8e-06.
        // 1,000 × 0.000002 = 0.002; 1,000 × 0.000008 = 0.008.
        ["BatchWithoutBatchPrice_O3"] = ("o3", new TokenUsage(1_000, 1_000), PriceTier.Batch, 0.01m),

        // gpt-4o-audio-preview: input 2.5e-06, audio input 4e-05, output 1e-05, audio output 8e-05.
        // text in 500 × 0.0000025 = 0.00125; audio in 1,000 × 0.00004 = 0.04;
        // text out 200 × 0.00001 = 0.002; audio out 600 × 0.00008 = 0.048.
        ["Audio_Gpt4oAudioPreview"] = ("gpt-4o-audio-preview",
            new TokenUsage(1_500, 800, AudioInputTokens: 1_000, AudioOutputTokens: 600), PriceTier.Standard, 0.09125m),

        // claude-3-7-sonnet-20250219: input 3e-06, cache_read 3e-07, cache_creation 3.75e-06, output 1.5e-05.
        // uncached 500 × 0.000003 = 0.0015; cached 2,000 × 0.0000003 = 0.0006;
        // cache write 2,500 × 0.00000375 = 0.009375; output 400 × 0.000015 = 0.006.
        ["CacheWrite_Claude37Sonnet"] = ("claude-3-7-sonnet-20250219",
            new TokenUsage(5_000, 400, CachedInputTokens: 2_000, CacheWriteInputTokens: 2_500), PriceTier.Standard, 0.017475m),
    };

    public static TheoryData<string> Invoices => [.. s_invoices.Keys];

    [Theory]
    [MemberData(nameof(Invoices))]
    public void Compute_RealModel_MatchesHandWorkedInvoice(string invoice)
    {
        var (model, usage, tier, expected) = s_invoices[invoice];
        Assert.True(PriceTable.LoadEmbedded().TryGet(model, out var price), $"{model} is not in the shipped table");

        var cost = CostCalculator.Compute(usage, price, tier);

        Assert.Equal(expected, cost.Total);
        Assert.False(cost.Clamped);
    }

    [Fact]
    public void Compute_CachedInput_SplitsIntoParts()
    {
        Assert.True(PriceTable.LoadEmbedded().TryGet("gpt-4o", out var price));

        var cost = CostCalculator.Compute(new TokenUsage(10_000, 1_000, CachedInputTokens: 6_000), price);

        Assert.Equal(new CostBreakdown(Input: 0.01m, CachedInput: 0.0075m, CacheWriteInput: 0m, Output: 0.01m, Reasoning: 0m, AudioInput: 0m, AudioOutput: 0m), cost);
    }

    [Fact]
    public void Compute_DetailsExceedTotals_ClampsAndFlags()
    {
        var price = new ModelPrice { InputPerToken = 1m, OutputPerToken = 10m, CachedInputPerToken = 0.5m };

        // 150 cached of 100 input: only 100 can be cached; 80 reasoning + 50 audio of 100 output: audio cut to 20.
        var cost = CostCalculator.Compute(new TokenUsage(100, 100, CachedInputTokens: 150, ReasoningTokens: 80, AudioOutputTokens: 50), price);

        Assert.True(cost.Clamped);
        Assert.Equal(0m, cost.Input);
        Assert.Equal(50m, cost.CachedInput);
        Assert.Equal(0m, cost.Output);
        Assert.Equal(800m, cost.Reasoning);
        Assert.Equal(200m, cost.AudioOutput);
        Assert.Equal(1050m, cost.Total);
    }

    [Fact]
    public void Compute_NegativeCounts_CostNothing()
    {
        var price = new ModelPrice { InputPerToken = 1m, OutputPerToken = 1m };

        var cost = CostCalculator.Compute(new TokenUsage(-5, -1, CachedInputTokens: -3), price);

        Assert.Equal(0m, cost.Total);
        Assert.True(cost.Clamped);
    }

    [Fact]
    public void Compute_NoCachedOrCacheWritePrice_FallsBackToInputPrice()
    {
        var price = new ModelPrice { InputPerToken = 2m, OutputPerToken = 3m };

        var cost = CostCalculator.Compute(new TokenUsage(10, 4, CachedInputTokens: 3, CacheWriteInputTokens: 2, AudioInputTokens: 1, AudioOutputTokens: 1), price);

        // Every input token at 2, every output token at 3, whatever its kind.
        Assert.Equal((10 * 2m) + (4 * 3m), cost.Total);
        Assert.False(cost.Clamped);
    }

    [Fact]
    public void Compute_PriorityAbove200k_UsesCombinedPrice()
    {
        // gemini/gemini-2.5-pro: input_cost_per_token_above_200k_tokens_priority 2.5e-06, output 1.5e-05.
        // 300,000 × 0.0000025 = 0.75; 1,000 × 0.000015 = 0.015.
        Assert.True(PriceTable.LoadEmbedded().TryGet("gemini/gemini-2.5-pro", out var price));

        var cost = CostCalculator.Compute(new TokenUsage(300_000, 1_000), price, PriceTier.Priority);

        Assert.Equal(0.765m, cost.Total);
    }
}
