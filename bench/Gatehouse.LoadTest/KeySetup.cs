using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Gatehouse.LoadTest;

/// <summary>
/// <c>setup</c>: creates N virtual keys, each with its own requests- and tokens-per-minute limits and a
/// daily budget, through <c>/api/keys</c> and <c>/api/budgets</c>, and writes them to the keys file.
/// </summary>
internal static class KeySetup
{
    public static async Task<int> RunAsync(CommandLine arguments)
    {
        var api = new Uri(arguments.Text("api").TrimEnd('/') + "/");
        var count = arguments.Number("keys", 5000);
        var rpm = arguments.Number("rpm", 600);
        var tpm = arguments.Number("tpm", 200_000);
        var budget = arguments.Amount("budget", 5m);
        var output = arguments.Text("out");
        using var client = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new("Bearer", arguments.Text("master"));

        var keys = new LoadKey[count];
        var started = DateTime.UtcNow;
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = arguments.Number("parallel", 16) }, async (i, ct) =>
        {
            // 0 leaves a limit or the budget off, so a run can price each part of the path separately.
            var key = new JsonObject { ["name"] = $"load-user-{i:D5}", ["owner"] = $"user-{i:D5}" };
            if (rpm > 0)
            {
                key["requestsPerMinute"] = rpm;
            }

            if (tpm > 0)
            {
                key["tokensPerMinute"] = tpm;
            }

            var created = await PostAsync(client, "api/keys", key, ct);
            var keyId = created["id"]!.GetValue<string>();
            var budgetId = LoadKey.NoBudget;
            if (budget > 0)
            {
                var budgetMade = await PostAsync(client, "api/budgets", new JsonObject
                {
                    ["name"] = $"load-user-{i:D5}",
                    ["keyId"] = keyId,
                    ["period"] = "day",
                    ["limitUsd"] = budget,
                }, ct);
                budgetId = budgetMade["id"]!.GetValue<string>();
            }

            keys[i] = new LoadKey(keyId, created["key"]!.GetValue<string>(), budgetId, rpm, tpm, budget);
        });

        await File.WriteAllLinesAsync(output, keys.Select(k => k.ToLine()));
        Console.WriteLine($"created {count} keys with {rpm} rpm, {tpm} tpm and a ${budget} daily budget each in {(DateTime.UtcNow - started).TotalSeconds:F1} s -> {output}");
        return 0;
    }

    private static async Task<JsonNode> PostAsync(HttpClient client, string path, JsonObject body, CancellationToken cancellationToken)
    {
        using var response = await client.PostAsJsonAsync(path, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            throw new CommandLineException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }

        return JsonNode.Parse(text) ?? throw new JsonException($"POST {path} answered no JSON.");
    }
}
