namespace Gatehouse.Tools;

/// <summary>
/// BM25F parameters: how much a match in each field is worth and how strongly long fields are
/// discounted. The defaults were tuned on the dev half of the tool-selection data set as a whole
/// (see docs/tools.md), never per case.
/// </summary>
internal sealed record ToolRanking
{
    public static readonly ToolRanking Default = new();

    /// <summary>Term-frequency saturation: the second occurrence of a word adds less than the first.</summary>
    public float K1 { get; init; } = 1.2f;

    public float NameWeight { get; init; } = 2.0f;

    public float DescriptionWeight { get; init; } = 1.0f;

    public float ParameterNameWeight { get; init; } = 1.0f;

    public float ParameterDescriptionWeight { get; init; } = 0.8f;

    /// <summary>Length normalisation per field (0 = none, 1 = full).</summary>
    public float NameLengthNormalization { get; init; } = 0.3f;

    public float DescriptionLengthNormalization { get; init; } = 0.75f;

    public float ParameterLengthNormalization { get; init; } = 0.75f;

    public float WeightOf(ToolField field) => field switch
    {
        ToolField.Name => NameWeight,
        ToolField.Description => DescriptionWeight,
        ToolField.ParameterNames => ParameterNameWeight,
        _ => ParameterDescriptionWeight,
    };

    public float LengthNormalizationOf(ToolField field) => field switch
    {
        ToolField.Name => NameLengthNormalization,
        ToolField.Description => DescriptionLengthNormalization,
        _ => ParameterLengthNormalization,
    };
}
