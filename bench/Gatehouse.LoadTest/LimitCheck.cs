using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.LoadTest;

/// <summary>
/// <c>check</c>: after a run, no budget spent more than its limit (read back through <c>/api/budgets/{id}</c>,
/// so through whichever replica the URL names: on a shared ledger they all agree), and no key got more
/// successes than its requests-per-minute cap allows over the run's length.
/// </summary>
internal static class LimitCheck
{
    public static async Task<int> RunAsync(CommandLine arguments)
    {
        var keys = await LoadKey.ReadAllAsync(arguments.Text("keys"));
        var run = JsonSerializer.Deserialize(await File.ReadAllTextAsync(arguments.Text("run")), LoadJsonContext.Default.RunSummary)
            ?? throw new CommandLineException("The run file holds no summary.");
        using var client = new HttpClient { BaseAddress = new Uri(arguments.Text("api").TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", arguments.Text("master"));

        var overspent = 0;
        var totalSpent = 0m;
        var lockTotal = new Lock();
        await Parallel.ForEachAsync(keys.Where(k => k.BudgetId != LoadKey.NoBudget), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (key, ct) =>
        {
            var budget = JsonNode.Parse(await client.GetStringAsync($"api/budgets/{key.BudgetId}", ct))!;
            var spent = budget["spentUsd"]!.GetValue<decimal>();
            lock (lockTotal)
            {
                totalSpent += spent;
                if (spent > budget["limitUsd"]!.GetValue<decimal>())
                {
                    overspent++;
                    Console.WriteLine($"budget {key.BudgetId} of key {key.Id} spent {spent} over its limit {budget["limitUsd"]}");
                }
            }
        });

        // A sliding minute admits at most its cap in any 60 s, so a run of D seconds admits at most cap × ⌈D / 60⌉ (+1 window for the edges).
        var windows = (int)Math.Ceiling(run.WallSeconds / 60.0) + 1;
        var byId = keys.ToDictionary(k => k.Id, StringComparer.Ordinal);
        var overLimit = run.SuccessesPerKey.Count(k => byId[k.KeyId].RequestsPerMinute > 0 && k.Succeeded > byId[k.KeyId].RequestsPerMinute * windows);
        Console.WriteLine($"budgets: {keys.Count(k => k.BudgetId != LoadKey.NoBudget)} checked, {overspent} over their limit, ${totalSpent:F6} spent in all");
        Console.WriteLine($"limits: {run.SuccessesPerKey.Length} keys checked, {overLimit} with more successes than {windows} windows of their cap");
        return overspent == 0 && overLimit == 0 ? 0 : 1;
    }
}
