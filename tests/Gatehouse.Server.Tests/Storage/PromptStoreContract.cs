using Gatehouse.Keys;
using Gatehouse.Prompts;
using Gatehouse.Storage;
using Xunit;

namespace Gatehouse.Tests.Storage;

/// <summary>What every <see cref="IPromptStore"/> must do. A database gets these tests by subclassing.</summary>
public abstract class PromptStoreContract
{
    private static readonly DateTimeOffset s_now = new(2026, 3, 10, 12, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private protected abstract Task<IPromptStore> CreateStoreAsync();

    [Fact]
    public async Task Insert_ThenGet_RoundTripsPromptTagsLabelsAndVersion()
    {
        var store = await CreateStoreAsync();
        var (prompt, version) = NewPrompt("welcome", owner: "team-a", tags: ["b", "a"]);

        await store.InsertAsync(prompt, version, Ct);
        var byId = await store.GetAsync(prompt.Id, Ct);
        var bySlug = await store.GetAsync("welcome", Ct);
        var stored = await store.GetVersionAsync(prompt.Id, 1, Ct);

        Assert.NotNull(byId);
        Assert.Equal(byId.Id, bySlug?.Id);
        Assert.Equal("team-a", byId.Owner);
        Assert.Equal(["a", "b"], byId.Tags);
        Assert.Equal(1, byId.Labels["production"]);
        Assert.Equal(1, byId.LatestVersion);
        Assert.Equal(PromptSource.Api, byId.Source);
        Assert.Equal(s_now, byId.CreatedAt);
        Assert.NotNull(stored);
        Assert.Equal(version.ContentHash, stored.ContentHash);
        Assert.Equal(PromptContent.ToJson(version.Definition), PromptContent.ToJson(stored.Definition));
    }

    [Fact]
    public async Task Insert_SameSlug_IsAConflict_AndLeavesNothingBehind()
    {
        var store = await CreateStoreAsync();
        var (first, firstVersion) = NewPrompt("same");
        var (second, secondVersion) = NewPrompt("same");
        await store.InsertAsync(first, firstVersion, Ct);

        await Assert.ThrowsAsync<StorageConflictException>(() => store.InsertAsync(second, secondVersion, Ct));

        Assert.Null(await store.GetAsync(second.Id, Ct));
        Assert.Equal(1, await store.CountAsync(Ct));
    }

    [Fact]
    public async Task AddVersion_NumbersInOrder_MovesLabels_FindsByHash()
    {
        var store = await CreateStoreAsync();
        var (prompt, version) = NewPrompt("grow");
        await store.InsertAsync(prompt, version, Ct);

        var second = await store.AddVersionAsync(Draft(prompt.Id, "v2"), ["production", "staging"], Ct);
        var third = await store.AddVersionAsync(Draft(prompt.Id, "v3"), [], Ct);
        var missing = await store.AddVersionAsync(Draft("prm_missing", "x"), [], Ct);
        var loaded = await store.GetAsync(prompt.Id, Ct);

        Assert.Equal(2, second?.Version);
        Assert.Equal(3, third?.Version);
        Assert.Null(missing);
        Assert.Equal(3, loaded!.LatestVersion);
        Assert.Equal(2, loaded.Labels["production"]);
        Assert.Equal(2, loaded.Labels["staging"]);
        Assert.Equal([3, 2, 1], (await store.ListVersionsAsync(prompt.Id, Ct)).Select(v => v.Version));
        Assert.Equal(2, (await store.FindVersionAsync(prompt.Id, second!.ContentHash, Ct))?.Version);
    }

    [Fact]
    public async Task SetLabel_ToMissingVersion_IsRefused_DeleteReportsWhetherItExisted()
    {
        var store = await CreateStoreAsync();
        var (prompt, version) = NewPrompt("labels");
        await store.InsertAsync(prompt, version, Ct);

        Assert.False(await store.SetLabelAsync(prompt.Id, "staging", 5, s_now, Ct));
        Assert.True(await store.SetLabelAsync(prompt.Id, "staging", 1, s_now, Ct));
        Assert.True(await store.DeleteLabelAsync(prompt.Id, "staging", Ct));
        Assert.False(await store.DeleteLabelAsync(prompt.Id, "staging", Ct));
        Assert.Equal(["production"], (await store.GetAsync(prompt.Id, Ct))!.Labels.Keys);
    }

    [Fact]
    public async Task List_KeepsToTheScope()
    {
        var store = await CreateStoreAsync();
        foreach (var (slug, owner, key) in new[] { ("a", "team-a", "k1"), ("b", "team-b", "k2"), ("c", null, "k3"), ("d", null, "k4") })
        {
            var (prompt, version) = NewPrompt(slug, owner, createdBy: key);
            await store.InsertAsync(prompt, version, Ct);
        }

        async Task<string[]> Slugs(PromptScope scope) => [.. (await store.ListAsync(new PromptQuery { Scope = scope }, Ct)).Items.Select(p => p.Slug)];

        Assert.Equal(["a", "b", "c", "d"], await Slugs(PromptScope.Everything));
        Assert.Equal(["a"], await Slugs(new PromptScope(false, "team-a", null)));
        Assert.Equal(["c"], await Slugs(new PromptScope(false, null, "k3")));
        Assert.Empty(await Slugs(new PromptScope(false, null, "k1")));
    }

    private static (Prompt Prompt, PromptVersion Version) NewPrompt(string slug, string? owner = null, IReadOnlyList<string>? tags = null, string createdBy = "master")
    {
        var prompt = new Prompt
        {
            Id = Prompt.NewId(),
            Slug = slug,
            Owner = owner,
            CreatedByKey = createdBy,
            Tags = tags ?? [],
            Source = PromptSource.Api,
            CreatedAt = s_now,
            UpdatedAt = s_now,
            LatestVersion = 1,
            Labels = new Dictionary<string, int> { ["production"] = 1 },
        };
        return (prompt, Draft(prompt.Id, "Hello {{name}}") with { Version = 1 });
    }

    private static PromptVersion Draft(string promptId, string content)
    {
        var errors = new FieldErrors();
        var definition = PromptDefinitionValidator.Validate(
            new PromptDefinition
            {
                Model = "sim-small",
                Variables = [new PromptVariable { Name = "name", Type = "string" }],
                Messages = [new PromptMessageTemplate { Role = "user", Content = content }],
            },
            modelExists: null,
            errors);
        Assert.Equal(0, errors.Count);
        return PromptService.NewVersion(promptId, definition, null, CallerIdentity.Master, s_now);
    }
}
