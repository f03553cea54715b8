using System.Globalization;

namespace Gatehouse.LoadTest;

/// <summary>One virtual key made by <c>setup</c>: a line of the keys file (tab-separated).</summary>
/// <remarks>A limit of 0 is no limit, and <see cref="NoBudget"/> no budget (<c>setup --rpm 0 --tpm 0 --budget 0</c>).</remarks>
internal sealed record LoadKey(string Id, string Secret, string BudgetId, int RequestsPerMinute, int TokensPerMinute, decimal BudgetUsd)
{
    public const string NoBudget = "-";

    public string ToLine() => string.Join('\t', Id, Secret, BudgetId, RequestsPerMinute, TokensPerMinute, BudgetUsd.ToString(CultureInfo.InvariantCulture));

    public static LoadKey FromLine(string line)
    {
        var parts = line.Split('\t');
        return new LoadKey(parts[0], parts[1], parts[2], int.Parse(parts[3], CultureInfo.InvariantCulture),
            int.Parse(parts[4], CultureInfo.InvariantCulture), decimal.Parse(parts[5], CultureInfo.InvariantCulture));
    }

    public static async Task<LoadKey[]> ReadAllAsync(string path) =>
        [.. (await File.ReadAllLinesAsync(path)).Where(l => l.Length > 0).Select(FromLine)];
}
