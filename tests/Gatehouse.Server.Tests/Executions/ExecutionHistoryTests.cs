using System.Net;
using System.Text.Json;
using Gatehouse.Executions;
using Gatehouse.Tests.Support;
using Xunit;
using static Gatehouse.Tests.Executions.ExecutionFixture;

namespace Gatehouse.Tests.Executions;

/// <summary><c>/api/executions</c> over HTTP: filters, cursor pages, retry, and who sees what.</summary>
public sealed class ExecutionHistoryTests
{
    private static List<string> Ids(JsonElement page) => page.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("id").GetString()!).ToList();

    [Fact]
    public async Task Filters_AndCursorPages_ReturnExactlyTheMatchingExecutions_NewestFirst()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var engine = server.GetService<ExecutionEngine>();
        var admin = Admin(server);
        var executions = new List<Execution>();
        foreach (var (prompt, version, model) in new[]
        {
            ("prm_alpha", "v1", "sim-small"), ("prm_alpha", "v1", "sim-small"), ("prm_alpha", "v2", "sim-small"),
            ("prm_beta", "v1", "sim-medium"), ("prm_beta", "v1", "no-such-model"),
        })
        {
            executions.Add(await engine.ExecuteAsync(Request(admin, ReviewCall(model, question: $"{prompt} {executions.Count}"), prompt, version), cancellationToken: Ct));
        }

        using var client = server.CreateClient();
        string[] IdsOf(Func<Execution, bool> match) => executions.Where(match).Reverse().Select(e => e.Id.ToString()).ToArray();
        Assert.Equal(IdsOf(_ => true), Ids(await GetJsonAsync(client, "api/executions")));
        Assert.Equal(IdsOf(e => e.PromptId == "prm_alpha"), Ids(await GetJsonAsync(client, "api/executions?prompt=prm_alpha")));
        Assert.Equal(IdsOf(e => e.PromptId == "prm_alpha"), Ids(await GetJsonAsync(client, "api/executions?prompt=alpha")));
        Assert.Equal(IdsOf(e => e.PromptVersionId == "v2"), Ids(await GetJsonAsync(client, "api/executions?prompt=prm_alpha&version=v2")));
        Assert.Equal(IdsOf(e => e.Model == "sim-medium"), Ids(await GetJsonAsync(client, "api/executions?model=sim-medium")));
        Assert.Equal(IdsOf(e => e.Status == "failed"), Ids(await GetJsonAsync(client, "api/executions?status=failed")));
        Assert.Single(IdsOf(e => e.Status == "failed"));
        Assert.Equal(IdsOf(_ => true), Ids(await GetJsonAsync(client, "api/executions?key=master")));
        Assert.Empty(Ids(await GetJsonAsync(client, "api/executions?key=someone-else")));
        var from = Uri.EscapeDataString(executions[2].CreatedAt.ToString("O"));
        var to = Uri.EscapeDataString(executions[4].CreatedAt.ToString("O"));
        Assert.Equal(IdsOf(e => e.CreatedAt >= executions[2].CreatedAt && e.CreatedAt < executions[4].CreatedAt), Ids(await GetJsonAsync(client, $"api/executions?from={from}&to={to}")));

        // Pages of two: 2 + 2 + 1, in order, nothing repeated or skipped.
        var paged = new List<string>();
        string? cursor = null;
        var pages = 0;
        do
        {
            var page = await GetJsonAsync(client, "api/executions?limit=2" + (cursor is null ? "" : "&cursor=" + Uri.EscapeDataString(cursor)));
            paged.AddRange(Ids(page));
            cursor = page.GetProperty("nextCursor").GetString();
            pages++;
        }
        while (cursor is not null);
        Assert.Equal(3, pages);
        Assert.Equal(IdsOf(_ => true), paged);

        using var badStatus = await client.GetAsync("api/executions?status=done", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal("application/problem+json", badStatus.Content.Headers.ContentType?.MediaType);
        using var badCursor = await client.GetAsync("api/executions?cursor=not-a-cursor", Ct);
        Assert.Equal(HttpStatusCode.BadRequest, badCursor.StatusCode);
    }

    [Fact]
    public async Task Retry_RunsTheSameRenderedCallAgain_LinkedToTheOriginal()
    {
        await using var upstream = await FakeUpstream.StartAsync();
        var calls = 0;
        upstream.Handler = (context, _) => Interlocked.Increment(ref calls) == 1
            ? FakeResponses.WriteChatCompletionAsync(context, """{"error":{"message":"down","type":"server_error"}}""", 500)
            : AnswerAsync(context, ValidReview);
        await using var server = await GatehouseServer.StartAsync(upstream.Config("fake-model"));
        var (_, caller, client) = await CreateKeyAsync(server, "app", "team-a");
        var original = await server.GetService<ExecutionEngine>().ExecuteAsync(Request(caller, ReviewCall("fake-model")), cancellationToken: Ct);
        Assert.Equal(ExecutionStatuses.Failed, original.Status);
        Assert.True(original.Retryable);

        using var response = await client.PostAsync($"api/executions/{original.Id}/retry", null, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var retry = JsonDocument.Parse(body).RootElement;
        Assert.Equal($"/api/executions/{retry.GetProperty("id").GetString()}", response.Headers.Location?.OriginalString);
        Assert.Equal(original.Id.ToString(), retry.GetProperty("retryOf").GetString());
        Assert.Equal("completed", retry.GetProperty("status").GetString());
        Assert.Equal(original.PromptId, retry.GetProperty("promptId").GetString());
        Assert.Equal(original.Inputs!.Value.GetRawText(), retry.GetProperty("inputs").GetRawText());
        Assert.Equal(original.KeyId, retry.GetProperty("keyId").GetString());
        var sent = upstream.Received.ToArray();
        Assert.Equal(2, sent.Length);
        Assert.Equal(sent[0].Body, sent[1].Body);

        var linked = await GetJsonAsync(client, $"api/executions?retryOf={original.Id}");
        Assert.Equal([retry.GetProperty("id").GetString()!], Ids(linked));
        using var unknown = await client.PostAsync($"api/executions/{Guid.CreateVersion7()}/retry", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(2, upstream.Received.Count);
    }

    [Fact]
    public async Task AKey_SeesItsOwnersExecutions_AndAnotherOwnersAreNotFound_WhileAdminSeesAll()
    {
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);
        var engine = server.GetService<ExecutionEngine>();
        var (_, alice, aliceClient) = await CreateKeyAsync(server, "alice", "team-a");
        var (_, aliceToo, aliceTooClient) = await CreateKeyAsync(server, "alice-2", "team-a");
        var (_, bob, bobClient) = await CreateKeyAsync(server, "bob", "team-b");
        var ofAlice = await engine.ExecuteAsync(Request(alice, ReviewCall(question: "alice")), cancellationToken: Ct);
        var ofAliceToo = await engine.ExecuteAsync(Request(aliceToo, ReviewCall(question: "alice too")), cancellationToken: Ct);
        var ofBob = await engine.ExecuteAsync(Request(bob, ReviewCall(question: "bob")), cancellationToken: Ct);
        Assert.Equal("team-a", ofAlice.Owner);

        Assert.Equal([ofAliceToo.Id.ToString(), ofAlice.Id.ToString()], Ids(await GetJsonAsync(aliceClient, "api/executions")));
        Assert.Equal([ofAliceToo.Id.ToString(), ofAlice.Id.ToString()], Ids(await GetJsonAsync(aliceTooClient, "api/executions")));
        Assert.Equal([ofBob.Id.ToString()], Ids(await GetJsonAsync(bobClient, "api/executions")));
        Assert.Empty(Ids(await GetJsonAsync(bobClient, $"api/executions?key={alice.KeyId}")));
        using (var admin = server.CreateClient())
        {
            Assert.Equal(3, Ids(await GetJsonAsync(admin, "api/executions")).Count);
            Assert.Equal(bob.KeyId, (await GetJsonAsync(admin, $"api/executions/{ofBob.Id}")).GetProperty("keyId").GetString());
        }

        Assert.Equal(ofAlice.Id.ToString(), (await GetJsonAsync(aliceTooClient, $"api/executions/{ofAlice.Id}")).GetProperty("id").GetString());
        using var hidden = await bobClient.GetAsync($"api/executions/{ofAlice.Id}", Ct);
        Assert.Equal(HttpStatusCode.NotFound, hidden.StatusCode);
        Assert.Equal("application/problem+json", hidden.Content.Headers.ContentType?.MediaType);
        using var retryHidden = await bobClient.PostAsync($"api/executions/{ofAlice.Id}/retry", null, Ct);
        Assert.Equal(HttpStatusCode.NotFound, retryHidden.StatusCode);
        using var anonymous = server.CreateClient(key: null);
        using var unauthorized = await anonymous.GetAsync("api/executions", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
    }
}
