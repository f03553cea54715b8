using System.Net;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Hosting;

/// <summary>
/// One paging rule for every <c>/api</c> list: a <c>limit</c> outside 1 to the list's maximum, or not a
/// whole number, and a <c>cursor</c> no page returned, are 400s naming the parameter — never clamped.
/// </summary>
public sealed class ListPagingTests
{
    private static readonly (string Path, int Max)[] Lists = [("api/requests", 500), ("api/executions", 200), ("api/prompts", 200)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LimitOutOfRangeOrNotAWholeNumber_Is400NamingTheRange_OnEveryList()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();

        var wrong = new List<string>();
        foreach (var (path, max) in Lists)
        {
            foreach (var limit in new[] { "0", "-1", "-5", (max + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), "100000", "99999999999999999999", "abc", "1.5", "1e2", "%205", "1&limit=2" })
            {
                var (status, body) = await GetAsync(admin, $"{path}?limit={limit}");
                var message = status == HttpStatusCode.BadRequest && body.TryGetProperty("errors", out var errors) && errors.TryGetProperty("limit", out var field) ? field[0].GetString() : null;
                if (message is null || !message.Contains($"1 to {max}", StringComparison.Ordinal))
                {
                    wrong.Add($"{path}?limit={limit}: {(int)status} {body}");
                }
            }

            foreach (var limit in new[] { "1", max.ToString(System.Globalization.CultureInfo.InvariantCulture), "" })
            {
                var (status, body) = await GetAsync(admin, $"{path}?limit={limit}");
                if (status != HttpStatusCode.OK)
                {
                    wrong.Add($"{path}?limit={limit}: {(int)status} {body}");
                }
            }
        }

        Assert.Empty(wrong);
    }

    [Fact]
    public async Task CursorNoPageReturned_Is400UnderCursor_OnEveryList_AndAnEmptyOneIsTheFirstPage()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        using var admin = server.CreateClient();

        var wrong = new List<string>();
        foreach (var (path, _) in Lists)
        {
            foreach (var cursor in new[] { "Not A Cursor!", "%F0%9F%98%80", "%ED%A0%80", new string('a', 7000), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" })
            {
                var (status, body) = await GetAsync(admin, $"{path}?cursor={cursor}");
                if (status != HttpStatusCode.BadRequest || !body.TryGetProperty("errors", out var errors) || !errors.TryGetProperty("cursor", out _))
                {
                    wrong.Add($"{path}?cursor={cursor[..Math.Min(cursor.Length, 20)]}: {(int)status} {body}");
                }
            }

            var (first, _) = await GetAsync(admin, $"{path}?cursor=");
            if (first != HttpStatusCode.OK)
            {
                wrong.Add($"{path}?cursor=: {(int)first}");
            }
        }

        Assert.Empty(wrong);
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(HttpClient client, string path)
    {
        using var response = await client.GetAsync(path, Ct);
        var text = await response.Content.ReadAsStringAsync(Ct);
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
