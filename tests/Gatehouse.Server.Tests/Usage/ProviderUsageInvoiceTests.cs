using Gatehouse.Anthropic;
using Gatehouse.Gateway;
using Gatehouse.OpenAI;
using Gatehouse.Usage;
using Xunit;

namespace Gatehouse.Tests.Usage;

/// <summary>
/// Worked invoices from raw provider usage, as the gateway reads it off the wire, priced with the
/// shipped table. The expected amounts are computed by hand from the prices quoted in each row.
/// The overlapping fields are the point: OpenAI's cached, audio and reasoning tokens sit inside
/// its totals; Anthropic reports uncached input, cache reads and cache writes side by side.
/// </summary>
public sealed class ProviderUsageInvoiceTests
{
    public static TheoryData<string, string, string, string> Invoices => new()
    {
        // gpt-4o: input 2.5e-6, output 1e-5. 1,000 × 2.5e-6 + 200 × 1e-5 = 0.0025 + 0.002.
        { "openai", "gpt-4o", """{"usage":{"prompt_tokens":1000,"completion_tokens":200,"total_tokens":1200}}""", "0.0045" },

        // gpt-4o, cached inside prompt, reasoning inside completion: 200 × 2.5e-6 + 1,000 × 1.25e-6 + 300 × 1e-5.
        { "openai", "gpt-4o", """{"usage":{"prompt_tokens":1200,"completion_tokens":300,"prompt_tokens_details":{"cached_tokens":1000},"completion_tokens_details":{"reasoning_tokens":100}}}""", "0.00475" },

        // gpt-4o served at priority (from the response's service_tier): input 4.25e-6, cached 2.125e-6, output 1.7e-5.
        // 4,000 × 4.25e-6 + 6,000 × 2.125e-6 + 1,000 × 1.7e-5 = 0.017 + 0.01275 + 0.017.
        { "openai", "gpt-4o", """{"id":"x","usage":{"prompt_tokens":10000,"completion_tokens":1000,"prompt_tokens_details":{"cached_tokens":6000}},"service_tier":"priority"}""", "0.04675" },

        // Same usage, service_tier "default": 4,000 × 2.5e-6 + 6,000 × 1.25e-6 + 1,000 × 1e-5 = 0.01 + 0.0075 + 0.01.
        { "openai", "gpt-4o", """{"usage":{"prompt_tokens":10000,"completion_tokens":1000,"prompt_tokens_details":{"cached_tokens":6000}},"service_tier":"default"}""", "0.0275" },

        // o3 has no reasoning price: reasoning billed as output. 2,000 × 2e-6 + 3,000 × 8e-6.
        { "openai", "o3", """{"usage":{"prompt_tokens":2000,"completion_tokens":3000,"completion_tokens_details":{"reasoning_tokens":2500}}}""", "0.028" },

        // gpt-4o-audio-preview: text in 500 × 2.5e-6, audio in 1,000 × 4e-5, text out 200 × 1e-5, audio out 600 × 8e-5.
        { "openai", "gpt-4o-audio-preview", """{"usage":{"prompt_tokens":1500,"completion_tokens":800,"prompt_tokens_details":{"audio_tokens":1000},"completion_tokens_details":{"audio_tokens":600}}}""", "0.09125" },

        // claude-sonnet-4 native: uncached 472 × 3e-6, cache read 2,000 × 3e-7, cache write 100 × 3.75e-6, output 89 × 1.5e-5.
        // 0.001416 + 0.0006 + 0.000375 + 0.001335.
        { "anthropic", "claude-sonnet-4-20250514", """{"type":"message","usage":{"input_tokens":472,"cache_creation_input_tokens":100,"cache_read_input_tokens":2000,"output_tokens":89}}""", "0.003726" },

        // The same call after Gatehouse translated it to OpenAI's format (cache writes as prompt_tokens_details.cache_creation_tokens).
        { "openai", "claude-sonnet-4-20250514", """{"usage":{"prompt_tokens":2572,"completion_tokens":89,"prompt_tokens_details":{"cached_tokens":2000,"cache_creation_tokens":100}}}""", "0.003726" },

        // claude-sonnet-4 over 200k prompt tokens (150,000 + 100,000 read + 50,000 written): above-200k prices
        // input 6e-6, read 6e-7, write 7.5e-6, output 2.25e-5: 0.9 + 0.06 + 0.375 + 0.0225.
        { "anthropic", "claude-sonnet-4-20250514", """{"usage":{"input_tokens":150000,"cache_read_input_tokens":100000,"cache_creation_input_tokens":50000,"output_tokens":1000}}""", "1.3575" },

        // Anthropic's message_start event carries usage under "message".
        { "anthropic", "claude-sonnet-4-20250514", """{"type":"message_start","message":{"id":"m","usage":{"input_tokens":1000,"output_tokens":1}}}""", "0.003015" },
    };

    [Theory]
    [MemberData(nameof(Invoices))]
    public void ProviderUsage_PricesToTheHandWorkedInvoice(string format, string model, string wire, string expected)
    {
        Assert.True(PriceTable.LoadEmbedded().TryGet(model, out var price));
        var tier = PriceTier.Standard;
        TokenUsage usage;
        if (format == "openai")
        {
            Assert.True(OpenAIUsageReader.TryRead(System.Text.Encoding.UTF8.GetBytes(wire), out usage, out tier));
        }
        else
        {
            usage = AnthropicUsage.ReadTokenUsage(System.Text.Encoding.UTF8.GetBytes(wire));
        }

        var cost = CostCalculator.Compute(usage, price!, tier);

        Assert.Equal(decimal.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), cost.Total);
        Assert.False(cost.Clamped);
    }
}
