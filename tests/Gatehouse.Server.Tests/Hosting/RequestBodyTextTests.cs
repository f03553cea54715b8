using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Gatehouse.Tests.Support;
using Xunit;

namespace Gatehouse.Tests.Hosting;

/// <summary>
/// A body whose text is not sound (invalid UTF-8, a lone surrogate escape) or that nests deeper than
/// the gateway reads is one precise 400 in the caller's dialect on every endpoint that takes a body,
/// never a 500 from whichever component first reads the value.
/// </summary>
public sealed class RequestBodyTextTests : IAsyncLifetime
{
    private const string PromptConfig = """
        { "Gatehouse": { "Prompts": { "SeedDemo": false }, "Deployments": {
            "sim-small": { "Simulation": { "TimeToFirstTokenMs": 0, "TokensPerSecond": 0 } },
            "sim-embedding": { "Simulation": { "TimeToFirstTokenMs": 0 } } } } }
        """;

    private GatehouseServer _server = null!;

    public async ValueTask InitializeAsync()
    {
        _server = await GatehouseServer.StartAsync(PromptConfig);
        using var client = _server.CreateClient();
        using var created = await client.PostAsync(
            "api/prompts",
            GatehouseServer.Json("""{"slug":"hello","model":"sim-small","variables":[{"name":"name","type":"string"}],"messages":[{"role":"user","content":"Hi {{name}}"}]}"""),
            Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Each endpoint with a body whose one string value is <c>TEXT</c>, and the dialect its errors come in.</summary>
    public static TheoryData<string, string, string> Endpoints => new()
    {
        { "v1/chat/completions", """{"model":"sim-small","messages":[{"role":"user","content":"TEXT"}]}""", "openai" },
        { "v1/chat/completions", """{"model":"TEXT","messages":[{"role":"user","content":"hi"}]}""", "openai" },
        { "v1/embeddings", """{"model":"sim-embedding","input":"TEXT"}""", "openai" },
        { "v1/messages", """{"model":"sim-small","max_tokens":8,"messages":[{"role":"user","content":"TEXT"}]}""", "anthropic" },
        { "v1/messages/count_tokens", """{"model":"sim-small","messages":[{"role":"user","content":"TEXT"}]}""", "anthropic" },
        { "api/prompts", """{"slug":"other","model":"sim-small","messages":[{"role":"user","content":"TEXT"}]}""", "problem" },
        { "api/prompts/hello/render", """{"inputs":{"name":"TEXT"}}""", "problem" },
        { "api/prompts/hello/execute", """{"inputs":{"name":"TEXT"}}""", "problem" },
    };

    /// <summary>The unsound texts, as raw bytes spliced in for <c>TEXT</c>, and what the error must name.</summary>
    private static readonly (byte[] Text, string Named)[] s_unsound =
    [
        ([0x61, 0xFF, 0xFE, 0x62], "UTF-8"),                     // bytes that are no UTF-8 at all
        ([0xED, 0xA0, 0x80], "UTF-8"),                           // a surrogate encoded as UTF-8 (CESU)
        ([0xC3], "UTF-8"),                                       // a sequence cut short
        (Encoding.ASCII.GetBytes(@"\ud800"), "surrogate"),       // a high half alone
        (Encoding.ASCII.GetBytes(@"\udc00 tail"), "surrogate"),  // a low half alone
        (Encoding.ASCII.GetBytes(@"\uD83Dx"), "surrogate"),      // a high half followed by text
        (Encoding.ASCII.GetBytes(@"\ud83d\u0041"), "surrogate"), // a high half followed by another escape
    ];

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task UnsoundText_Is400InTheCallersDialect(string path, string template, string dialect)
    {
        using var client = _server.CreateClient();
        foreach (var (text, named) in s_unsound)
        {
            using var response = await client.PostAsync(path, Body(template, text), Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{path} with {Convert.ToHexString(text)}: {(int)response.StatusCode} {body}");
            var message = AssertError(dialect, body);
            Assert.Contains(named, message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Endpoints))]
    public async Task SoundEscapes_AreAccepted(string path, string template, string dialect)
    {
        _ = dialect;
        if (template.Contains("\"model\":\"TEXT\"", StringComparison.Ordinal))
        {
            return; // an escaped model name is a model that does not exist
        }

        // A surrogate pair, an escaped backslash before "ud800" (text, not an escape), and raw UTF-8.
        using var client = _server.CreateClient();
        using var response = await client.PostAsync(path, Body(template, Encoding.UTF8.GetBytes(@"\ud83d\ude00 \\ud800 héllo")), Ct);
        Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
    }

    [Fact]
    public async Task Nesting_Within64Levels_IsServed_AndDeeper_Is400_WithToolPrefilteringOn()
    {
        using var client = _server.CreateClient();
        client.DefaultRequestHeaders.Add("x-gatehouse-tools", "on");
        static string Tools(string schema) =>
            """[{"type":"function","function":{"name":"a","parameters":""" + schema + """}},{"type":"function","function":{"name":"b","parameters":{"type":"object"}}}]""";

        // The tool's schema object opens at level 5 (body, tools, tool, function, parameters).
        foreach (var (levels, expected) in new[] { (64, HttpStatusCode.OK), (65, HttpStatusCode.BadRequest) })
        {
            var body = """{"model":"sim-small","messages":[{"role":"user","content":"hi"}],"tools":""" + Tools(Nested(levels - 4)) + "}";
            using var response = await client.PostAsync("v1/chat/completions", GatehouseServer.Json(body), Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(expected == response.StatusCode, $"{levels} levels: {(int)response.StatusCode} {text}");
            if (expected == HttpStatusCode.BadRequest)
            {
                Assert.Contains("more than 64 levels", AssertError("openai", text), StringComparison.Ordinal);
            }
        }
    }

    [Fact]
    public async Task Messages_NestedTo64Levels_IsServed_ThoughItsTranslationIsDeeper()
    {
        using var client = _server.CreateClient();
        client.DefaultRequestHeaders.Add("x-gatehouse-tools", "on");

        // input_schema opens at level 4 (body, tools, tool, input_schema); in OpenAI's shape it is level 5.
        foreach (var (levels, expected) in new[] { (64, HttpStatusCode.OK), (65, HttpStatusCode.BadRequest) })
        {
            var body = """{"model":"sim-small","max_tokens":8,"messages":[{"role":"user","content":"hi"}],"tools":[{"name":"a","input_schema":""" + Nested(levels - 3)
                + """},{"name":"b","input_schema":{"type":"object"}}]}""";
            foreach (var path in new[] { "v1/messages", "v1/messages/count_tokens" })
            {
                using var response = await client.PostAsync(path, GatehouseServer.Json(body), Ct);
                var text = await response.Content.ReadAsStringAsync(Ct);
                Assert.True(expected == response.StatusCode, $"{path}, {levels} levels: {(int)response.StatusCode} {text}");
                if (expected == HttpStatusCode.BadRequest)
                {
                    Assert.Contains("more than 64 levels", AssertError("anthropic", text), StringComparison.Ordinal);
                }
            }
        }
    }

    [Fact]
    public async Task Api_NulInBodyPathOrQuery_Is400ProblemDetails_WhileV1TakesIt()
    {
        // /api stores what it takes, and PostgreSQL's text cannot hold U+0000: refused on every back end alike.
        // (A %00 in the path never gets this far: Kestrel refuses the request line itself.)
        using var client = _server.CreateClient();
        foreach (var (method, path, body) in new[]
        {
            ("POST", "api/keys", """{"name":"a\u0000b"}"""),
            ("POST", "api/prompts", """{"slug":"nul","model":"sim-small","messages":[{"role":"user","content":"x\u0000"}]}"""),
            ("POST", "api/prompts/hello/execute", """{"inputs":{"name":"\u0000"}}"""),
            ("GET", "api/requests?model=a%00b", (string?)null),
            ("GET", "api/keys?cursor=%00", null),
        })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = body is null ? null : GatehouseServer.Json(body) };
            using var response = await client.SendAsync(request, Ct);
            var text = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{method} {path}: {(int)response.StatusCode} {text}");
            Assert.Contains("U+0000", AssertError("problem", text), StringComparison.Ordinal);
        }

        // An escaped backslash before "u0000" is text, not the character.
        using (var escaped = await client.PostAsync("api/keys", GatehouseServer.Json("""{"name":"a\\u0000b"}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.Created, escaped.StatusCode);
        }

        // A render stores nothing: its inputs may hold it (the template fuzz tests send it).
        using (var render = await client.PostAsync("api/prompts/hello/render", GatehouseServer.Json("""{"inputs":{"name":"\u0000"}}"""), Ct))
        {
            Assert.Equal(HttpStatusCode.OK, render.StatusCode);
        }

        // A call's own text is the provider's business: passed on (and recorded) as sent.
        using var call = await client.PostAsync("v1/chat/completions", GatehouseServer.Json("""{"model":"sim-small","messages":[{"role":"user","content":"hi\u0000"}]}"""), Ct);
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
    }

    [Fact]
    public async Task Api_NestedDeeperThan64Levels_Is400ProblemDetails()
    {
        using var client = _server.CreateClient();
        using var response = await client.PostAsync("api/prompts/hello/render", GatehouseServer.Json("""{"inputs":{"name":"x","deep":""" + Nested(63) + "}}"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("more than 64 levels", AssertError("problem", await response.Content.ReadAsStringAsync(Ct)), StringComparison.Ordinal);
    }

    /// <summary>Objects nested <paramref name="levels"/> deep: <c>{"x":{"x":…1}}</c>.</summary>
    private static string Nested(int levels)
    {
        var builder = new StringBuilder();
        for (var i = 0; i < levels; i++)
        {
            builder.Append("{\"x\":");
        }

        builder.Append('1');
        builder.Append('}', levels);
        return builder.ToString();
    }

    private static ByteArrayContent Body(string template, byte[] text)
    {
        var at = template.IndexOf("TEXT", StringComparison.Ordinal);
        var bytes = Encoding.UTF8.GetBytes(template[..at]).Concat(text).Concat(Encoding.UTF8.GetBytes(template[(at + 4)..])).ToArray();
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return content;
    }

    /// <summary>Asserts the body is an error in <paramref name="dialect"/>'s shape (an invalid request); returns its message.</summary>
    internal static string AssertError(string dialect, string body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        switch (dialect)
        {
            case "openai":
                var error = root.GetProperty("error");
                Assert.Equal("invalid_request_error", error.GetProperty("type").GetString());
                return error.GetProperty("message").GetString()!;
            case "anthropic":
                Assert.Equal("error", root.GetProperty("type").GetString());
                Assert.Equal("invalid_request_error", root.GetProperty("error").GetProperty("type").GetString());
                return root.GetProperty("error").GetProperty("message").GetString()!;
            default:
                Assert.Equal(400, root.GetProperty("status").GetInt32());
                return root.GetProperty("detail").GetString()!;
        }
    }
}
