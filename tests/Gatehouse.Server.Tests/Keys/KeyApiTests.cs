using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Gatehouse.Hosting;
using Gatehouse.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using OpenAI.Chat;
using Xunit;

namespace Gatehouse.Tests.Keys;

/// <summary><c>/api/keys</c> over HTTP, and the keys it creates used on <c>/v1</c>.</summary>
public sealed class KeyApiTests : IAsyncLifetime
{
    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync() => _server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> CreateKeyAsync(object body)
    {
        using var admin = _server.CreateClient();
        using var response = await admin.PostAsJsonAsync("api/keys", body, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.Clone();
    }

    [Fact]
    public async Task Create_ShowsSecretOnce_ThenListAndGetNeverDo()
    {
        var created = await CreateKeyAsync(new { name = "ci", owner = "team-a", allowedModels = new[] { "sim-small" }, metadata = new Dictionary<string, string> { ["env"] = "test" } });
        var secret = created.GetProperty("key").GetString()!;
        var id = created.GetProperty("id").GetString()!;
        Assert.StartsWith("sk-gh-", secret, StringComparison.Ordinal);
        Assert.Equal(secret[..12], created.GetProperty("prefix").GetString());

        using var admin = _server.CreateClient();
        var listed = await admin.GetStringAsync("api/keys", Ct);
        var fetched = await admin.GetStringAsync($"api/keys/{id}", Ct);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, fetched, StringComparison.Ordinal);
        var key = JsonDocument.Parse(fetched).RootElement;
        Assert.Equal("team-a", key.GetProperty("owner").GetString());
        Assert.Equal("test", key.GetProperty("metadata").GetProperty("env").GetString());

        // Only the hash is stored.
        var dbBytes = await File.ReadAllBytesAsync(Path.Combine(_server.DataDirectory, "gatehouse.db"), Ct);
        Assert.DoesNotContain(secret, System.Text.Encoding.UTF8.GetString(dbBytes), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreatedKey_WorksOnV1_OnlyForAllowedModels()
    {
        var secret = (await CreateKeyAsync(new { name = "limited", allowedModels = new[] { "sim-small" } })).GetProperty("key").GetString()!;
        var client = Sdk.OpenAI(_server, secret);

        ChatCompletion ok = await client.GetChatClient("sim-small").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct);
        Assert.NotEmpty(ok.Content);

        var forbidden = await Assert.ThrowsAsync<ClientResultException>(() => client.GetChatClient("sim-medium").CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        Assert.Equal(403, forbidden.Status);
        Assert.Contains("model_not_allowed", forbidden.GetRawResponse()!.Content.ToString(), StringComparison.Ordinal);

        var models = await client.GetOpenAIModelClient().GetModelsAsync(Ct);
        Assert.Equal(["sim-small"], models.Value.Select(m => m.Id).ToArray());

        var records = await _server.WaitForRecordsAsync(2);
        Assert.Equal(2, records.Count);
        Assert.Contains(records, r => r.StatusCode == 403 && r.ErrorClass == "model_not_allowed");
    }

    [Fact]
    public async Task RevokedKey_Is401_Immediately()
    {
        var created = await CreateKeyAsync(new { name = "to-revoke" });
        var secret = created.GetProperty("key").GetString()!;
        var client = Sdk.OpenAI(_server, secret).GetChatClient("sim-small");
        await client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct);

        using var admin = _server.CreateClient();
        using var revoke = await admin.DeleteAsync($"api/keys/{created.GetProperty("id").GetString()}", Ct);
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        Assert.NotEqual(JsonValueKind.Null, JsonDocument.Parse(await revoke.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("revokedAt").ValueKind);

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        Assert.Equal(401, error.Status);
        Assert.Contains("revoked", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ExpiredKey_Is401()
    {
        // Expiry is judged by the policy clock: this server's is moved by hand, not waited for.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var server = await GatehouseServer.StartAsync(GatehouseServer.FastSimulatorConfig,
            configure: builder => builder.Services.AddKeyedSingleton<TimeProvider>(PolicyClock.ServiceKey, clock));
        using var admin = server.CreateClient();
        using var response = await admin.PostAsJsonAsync("api/keys", new { name = "short-lived", expiresAt = clock.GetUtcNow().AddHours(1) }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var secret = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct)).RootElement.GetProperty("key").GetString()!;
        var client = Sdk.OpenAI(server, secret).GetChatClient("sim-small");
        await client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct);
        clock.Advance(TimeSpan.FromHours(1));

        var error = await Assert.ThrowsAsync<ClientResultException>(() => client.CompleteChatAsync([new UserChatMessage("hi")], cancellationToken: Ct));
        Assert.Equal(401, error.Status);
        Assert.Contains("expired", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task KeysApi_RequiresAdmin_WithProblemDetails()
    {
        var secret = (await CreateKeyAsync(new { name = "user" })).GetProperty("key").GetString()!;
        using var user = _server.CreateClient(secret);
        using var forbidden = await user.GetAsync("api/keys", Ct);
        Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        Assert.Equal("application/problem+json", forbidden.Content.Headers.ContentType!.MediaType);

        using var anonymous = _server.CreateClient(key: null);
        using var unauthorized = await anonymous.GetAsync("api/keys", Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        Assert.Equal("application/problem+json", unauthorized.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task InvalidCreate_IsValidationProblem_AndUnknownKeyIs404()
    {
        using var admin = _server.CreateClient();
        using var invalid = await admin.PostAsJsonAsync("api/keys", new { name = "", expiresAt = DateTimeOffset.UtcNow.AddDays(-1) }, TestJson.Options, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var problem = JsonDocument.Parse(await invalid.Content.ReadAsStringAsync(Ct)).RootElement;
        Assert.True(problem.GetProperty("errors").TryGetProperty("name", out _));
        Assert.True(problem.GetProperty("errors").TryGetProperty("expiresAt", out _));

        using var malformed = await admin.PostAsync("api/keys", GatehouseServer.Json("{oops"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);

        using var missing = await admin.GetAsync("api/keys/key_nope", Ct);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal("application/problem+json", missing.Content.Headers.ContentType!.MediaType);
    }

    [Fact]
    public async Task KeysSurviveRestart()
    {
        var secret = (await CreateKeyAsync(new { name = "durable" })).GetProperty("key").GetString()!;
        await _server.DisposeAsync();
        _server = await GatehouseServer.StartAsync(dataDirectory: _server.DataDirectory);

        using var client = _server.CreateClient(secret);
        using var response = await client.GetAsync("v1/models", Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
