using System.Diagnostics;
using System.Text;
using Gatehouse.Usage;
using Xunit;

namespace Gatehouse.Tests.Usage;

public sealed class PriceTableTests
{
    private static PriceTable Table => PriceTable.LoadEmbedded();

    [Fact]
    public void LoadEmbedded_ShippedSnapshot_HasManyModelsAndItsDate()
    {
        Assert.True(Table.Models.Count > 500, $"only {Table.Models.Count} models");
        Assert.DoesNotContain("sample_spec", Table.Models);
        Assert.DoesNotContain("last_updated", Table.Models);
        Assert.StartsWith("2026-07-24", Table.SnapshotDate, StringComparison.Ordinal);
    }

    [Fact]
    public void LoadEmbedded_CalledTwice_ReturnsSameInstance()
    {
        Assert.Same(PriceTable.LoadEmbedded(), PriceTable.LoadEmbedded());
    }

    [Fact]
    public void TryGet_ExactKey_ReadsExponentPricesExactly()
    {
        Assert.True(Table.TryGet("gpt-4o-mini", out var price));

        // "input_cost_per_token": 1.5e-07, "output_cost_per_token": 6e-07, "cache_read_input_token_cost": 7.5e-08
        Assert.Equal(0.00000015m, price.InputPerToken);
        Assert.Equal(0.0000006m, price.OutputPerToken);
        Assert.Equal(0.000000075m, price.CachedInputPerToken);
        Assert.Equal(0.000000075m, price.InputBatchPerToken);
        Assert.Equal(0.00000025m, price.InputPriorityPerToken);
        Assert.Equal(128_000, price.MaxInputTokens);
        Assert.Equal(16_384, price.MaxOutputTokens);
        Assert.Equal("chat", price.Mode);
        Assert.Null(price.ReasoningOutputPerToken);
    }

    [Theory]
    [InlineData("GPT-4o")]
    [InlineData("openai/gpt-4o")]
    [InlineData("OpenAI/GPT-4O")]
    [InlineData("some-router/openai/gpt-4o")]
    public void TryGet_CaseOrProviderPrefix_FindsBaseModel(string model)
    {
        Assert.True(Table.TryGet("gpt-4o", out var expected));

        Assert.True(Table.TryGet(model, out var price));

        Assert.Same(expected, price);
    }

    [Fact]
    public void TryGet_PrefixedKeyInTable_PrefersItOverStrippedName()
    {
        Assert.True(Table.TryGet("gemini/gemini-2.5-pro", out var prefixed));
        Assert.True(Table.TryGet("gemini-2.5-pro", out var bare));

        // The two entries differ: only the gemini/ one publishes priority prices.
        Assert.NotNull(prefixed.InputPriorityPerToken);
        Assert.Null(bare.InputPriorityPerToken);
    }

    [Theory]
    [InlineData("no-such-model")]
    [InlineData("openai/")]
    [InlineData("")]
    [InlineData("sample_spec")]
    public void TryGet_Unknown_ReturnsFalse(string model)
    {
        Assert.False(Table.TryGet(model, out var price));
        Assert.Null(price);
    }

    [Fact]
    public void Parse_OddFields_ToleratedAndNonTokenEntriesSkipped()
    {
        const string json = """
            {
              "sample_spec": { "input_cost_per_token": 0.0, "max_input_tokens": "max input tokens" },
              "a": { "input_cost_per_token": 1E-6, "output_cost_per_token": "2e-06", "max_input_tokens": 2000000.0,
                     "max_output_tokens": "lots", "supported_regions": ["x", "y"], "search_context_cost_per_query": { "low": 1 },
                     "cache_read_input_token_cost": null, "mode": 3, "input_cost_per_audio_token": -1 },
              "b": { "output_cost_per_token": 0 },
              "image-only": { "input_cost_per_image": 0.04, "mode": "image_generation" },
              "not-an-object": 42,
              "last_updated": "2026-01-01"
            }
            """;

        var table = PriceTable.Parse(Encoding.UTF8.GetBytes(json));

        Assert.Equal(["a", "b"], table.Models.Order(StringComparer.Ordinal));
        Assert.Equal("2026-01-01", table.SnapshotDate);
        Assert.True(table.TryGet("a", out var a));
        Assert.Equal(0.000001m, a.InputPerToken);
        Assert.Equal(0.000002m, a.OutputPerToken);
        Assert.Equal(2_000_000, a.MaxInputTokens);
        Assert.Null(a.MaxOutputTokens);
        Assert.Null(a.CachedInputPerToken);
        Assert.Null(a.AudioInputPerToken);
        Assert.Null(a.Mode);
        Assert.True(table.TryGet("b", out var b));
        Assert.Equal(0m, b.InputPerToken);
    }

    [Fact]
    public void Load_ShippedFile_ParsesQuickly()
    {
        using var stream = typeof(PriceTable).Assembly.GetManifestResourceStream(PriceTable.EmbeddedResourceName);
        Assert.NotNull(stream);
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        var cold = Stopwatch.StartNew();
        PriceTable.Parse(bytes); // also warms up the JIT
        cold.Stop();

        var watch = Stopwatch.StartNew();
        var table = PriceTable.Parse(bytes);
        watch.Stop();

        TestContext.Current.SendDiagnosticMessage(
            $"Parsed {table.Models.Count} models ({bytes.Length:N0} bytes): first {cold.Elapsed.TotalMilliseconds:F1} ms, warm {watch.Elapsed.TotalMilliseconds:F1} ms");
        Assert.Equal(Table.Models.Count, table.Models.Count);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(1), $"parse took {watch.Elapsed.TotalMilliseconds} ms");
    }

    [Fact]
    public void WithOverrides_KnownModel_ReplacesOnlySetFields()
    {
        var table = Table.WithOverrides([new("gpt-4o", new PriceOverride { InputPerMillion = 2m })]);

        Assert.True(table.TryGet("gpt-4o", out var price));
        Assert.Equal(0.000002m, price.InputPerToken);
        Assert.Equal(0.00001m, price.OutputPerToken); // the table's 1e-05, untouched
        Assert.Equal(0.00000125m, price.CachedInputPerToken);
        Assert.True(Table.TryGet("gpt-4o", out var original));
        Assert.Equal(0.0000025m, original.InputPerToken); // the shared table is not modified
    }

    [Fact]
    public void WithOverrides_UnknownModel_AddsIt()
    {
        var table = Table.WithOverrides([new("my-finetune", new PriceOverride { InputPerMillion = 0.5m, OutputPerMillion = 1.5m, MaxInputTokens = 8192 })]);

        Assert.True(table.TryGet("my-finetune", out var price));
        Assert.Equal(0.0000005m, price.InputPerToken);
        Assert.Equal(0.0000015m, price.OutputPerToken);
        Assert.Equal(8192, price.MaxInputTokens);
        Assert.Equal(Table.Models.Count + 1, table.Models.Count);
    }

    [Fact]
    public void ApplyTo_UnknownModelWithoutOutputPrice_ThrowsNamingTheKey()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PriceOverride { InputPerMillion = 1m }.ApplyTo(null, "my-finetune"));

        Assert.Contains("my-finetune", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ApplyTo_NegativePrice_Throws()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new PriceOverride { OutputPerMillion = -1m }.ApplyTo(new ModelPrice(), "x"));

        Assert.Contains("x:OutputPerMillion", error.Message, StringComparison.Ordinal);
    }
}
