using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Gatehouse.Prompts;
using Xunit;
using static Gatehouse.Tests.Prompts.PromptFixture;

namespace Gatehouse.Tests.Prompts;

/// <summary>
/// Inputs are data, never template: whatever a value holds — mustaches, half mustaches, partial and
/// block syntax, control characters, huge strings — the output is the template with the values
/// spliced in literally, so the template's structure cannot change.
/// </summary>
public sealed class TemplateFuzzTests
{
    private const string Template = "A{{a}}B{{{b}}}C{{#if flag}}D{{c}}{{/if}}E{{#each items}}[{{this}}]{{/each}}F{{obj.inner}}G";

    private static readonly string[] s_nasty =
    [
        "{{", "}}", "{{{", "}}}", "{{{x}}}", "{{a}}", "{{b}}", "{{#if flag}}", "{{/if}}", "{{#each items}}", "{{/each}}", "{{else}}",
        "{{> partial}}", "{{!-- comment --}}", "\\{{a}}", "{{@root.a}}", "{{lookup obj 'inner'}}", "{{~a~}}", "{{&a}}",
        "\0", "\u0001", "\u001b[31m", "\r\n", "\t", "\u2028", "\uFEFF", "é", "😀", "<b>&amp;</b>", "\"'`", "\\", "$1", "%s", "}", "{",
    ];

    [Fact]
    public void RandomValues_AreSplicedLiterally_AndNeverParsed()
    {
        var renderer = new PromptRenderer(new PromptTemplateCache());
        var version = Version(Template);
        var random = new Random(20261125);
        for (var i = 0; i < 500; i++)
        {
            var (a, b, c) = (Value(random), Value(random), Value(random));
            var inner = Value(random);
            var flag = random.Next(2) == 0;
            var items = Enumerable.Range(0, random.Next(4)).Select(_ => Value(random)).ToArray();
            var inputs = new Dictionary<string, JsonElement>
            {
                ["a"] = Json(JsonValue.Create(a)),
                ["b"] = Json(JsonValue.Create(b)),
                ["c"] = Json(JsonValue.Create(c)),
                ["flag"] = Json(JsonValue.Create(flag)),
                ["items"] = Json(new JsonArray([.. items.Select(item => (JsonNode?)JsonValue.Create(item))])),
                ["obj"] = Json(new JsonObject { ["inner"] = inner }),
            };

            var result = renderer.Render(version, inputs);

            Assert.True(result.Succeeded, string.Join("; ", result.Errors.SelectMany(e => e.Value)));
            var expected = "A" + a + "B" + b + "C" + (flag ? "D" + c : "") + "E" + string.Concat(items.Select(item => "[" + item + "]")) + "F" + inner + "G";
            Assert.Equal(expected, result.Prompt!.Messages[0].Content);
        }
    }

    [Fact]
    public void HugeValue_IsSplicedWhole()
    {
        var renderer = new PromptRenderer(new PromptTemplateCache());
        var huge = string.Concat(Enumerable.Repeat("{{a}}}}{{#each x}}\0", 200_000));

        var result = renderer.Render(Version("<{{a}}>"), new Dictionary<string, JsonElement> { ["a"] = Json(JsonValue.Create(huge)) });

        Assert.Equal("<" + huge + ">", result.Prompt!.Messages[0].Content);
    }

    [Fact]
    public async Task OverHttp_NastyValues_ComeBackLiterally()
    {
        await using var server = await StartAsync();
        using var admin = server.CreateClient();
        await CreatePromptAsync(admin, """
            { "slug": "echo", "model": "sim-small",
              "variables": [{ "name": "a", "type": "string", "required": true }, { "name": "items", "type": "array", "default": [] }],
              "messages": [{ "role": "user", "content": "<{{a}}>{{#each items}}({{this}}){{/each}}" }] }
            """);
        var random = new Random(7);
        for (var i = 0; i < 25; i++)
        {
            var a = Value(random);
            var items = new[] { Value(random), Value(random) };
            var body = new JsonObject { ["inputs"] = new JsonObject { ["a"] = a, ["items"] = new JsonArray(items[0], items[1]) } };

            var (status, rendered) = await PostAsync(admin, "api/prompts/echo/render", body.ToJsonString());

            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal($"<{a}>({items[0]})({items[1]})", Contents(rendered)[0]);
        }
    }

    private static string Value(Random random)
    {
        var text = new StringBuilder();
        var pieces = random.Next(0, 8);
        for (var i = 0; i < pieces; i++)
        {
            switch (random.Next(3))
            {
                case 0:
                    text.Append(s_nasty[random.Next(s_nasty.Length)]);
                    break;
                case 1:
                    text.Append((char)random.Next(0x20, 0x7F));
                    break;
                default:
                    // Any UTF-16 code unit outside the surrogates, control characters included.
                    var unit = random.Next(0, 0xD800);
                    text.Append((char)unit);
                    break;
            }
        }

        return random.Next(50) == 0 ? string.Concat(Enumerable.Repeat(text.ToString() + "{{", 5_000)) : text.ToString();
    }

    private static JsonElement Json(JsonNode? node) => JsonDocument.Parse(node?.ToJsonString() ?? "null").RootElement.Clone();

    private static PromptVersion Version(string template)
    {
        var errors = new FieldErrors();
        var definition = PromptDefinitionValidator.Validate(
            new PromptDefinition
            {
                Model = "sim-small",
                Messages = [new PromptMessageTemplate { Role = "user", Content = template }],
                Variables =
                [
                    new PromptVariable { Name = "a", Type = "string" },
                    new PromptVariable { Name = "b", Type = "string" },
                    new PromptVariable { Name = "c", Type = "string" },
                    new PromptVariable { Name = "flag", Type = "boolean" },
                    new PromptVariable { Name = "items", Type = "array" },
                    new PromptVariable { Name = "obj", Type = "object" },
                ],
            },
            modelExists: null,
            errors);
        Assert.Equal(0, errors.Count);
        return PromptService.NewVersion("prm_fuzz", definition, null, Gatehouse.Keys.CallerIdentity.Master, DateTimeOffset.UnixEpoch) with { Version = 1 };
    }
}
