using System.Net.Http.Headers;
using System.Text;

namespace Gatehouse.Tests.Hosting;

/// <summary>Every <c>/api</c> endpoint that reads a JSON body, with a body it would accept.</summary>
internal static class ApiBodyEndpoints
{
    public static readonly IReadOnlyList<ApiBodyEndpoint> All =
    [
        new("POST", "api/keys", """{"name":"k"}""", AdminOnly: true),
        new("PATCH", "api/keys/key_x", """{"cache":{"enabled":false}}""", AdminOnly: true),
        new("POST", "api/budgets", """{"owner":"o","period":"day","limitUsd":1}""", AdminOnly: true),
        new("PATCH", "api/budgets/bdg_x", """{"limitUsd":2}""", AdminOnly: true),
        new("PUT", "api/degradation", """{"level":"full"}""", AdminOnly: true),
        new("POST", "api/prompts", """{"slug":"p","model":"sim-small","messages":[{"role":"user","content":"hi"}]}""", AdminOnly: false),
        new("PATCH", "api/prompts/p", """{"description":"d"}""", AdminOnly: false),
        new("POST", "api/prompts/p/versions", """{"model":"sim-small","messages":[{"role":"user","content":"hi"}]}""", AdminOnly: false),
        new("PUT", "api/prompts/p/labels/staging", """{"version":1}""", AdminOnly: false),
        new("POST", "api/prompts/p/render", """{"inputs":{}}""", AdminOnly: false),
        new("POST", "api/prompts/p/execute", """{"inputs":{}}""", AdminOnly: false),
    ];

    /// <summary>Bodies no endpoint can bind: broken JSON, a wrong type, not JSON at all, a charset no reader knows.</summary>
    public static readonly IReadOnlyList<(string Name, string Body, string ContentType)> BadBodies =
    [
        ("broken JSON", "{", "application/json"),
        ("wrong type", """{"name":1,"slug":1,"level":1,"limitUsd":"x","version":"x","inputs":1,"description":1,"cache":1}""", "application/json"),
        ("text/plain", "{}", "text/plain"),
        ("unknown charset", "{}", "application/json; charset=bogus"),
        ("empty charset", "{}", "application/json; charset=\"\""),
        ("empty body", "", "application/json"),
    ];

    public static HttpRequestMessage Request(this ApiBodyEndpoint endpoint, string body, string contentType, string? accept = null)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), endpoint.Path) { Content = content };
        if (accept is not null)
        {
            request.Headers.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
        }

        return request;
    }
}

internal sealed record ApiBodyEndpoint(string Method, string Path, string ValidBody, bool AdminOnly)
{
    public override string ToString() => $"{Method} /{Path}";
}
