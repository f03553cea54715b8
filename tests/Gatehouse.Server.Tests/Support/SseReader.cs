using System.Text;
using Xunit;

namespace Gatehouse.Tests.Support;

internal static class SseReader
{
    /// <summary>Posts a streaming request and reads until the body ends; reports whether it ended cleanly or was cut.</summary>
    public static async Task<(string Text, bool EndedCleanly)> PostAsync(GatehouseServer server, string body, string path = "v1/chat/completions")
    {
        using var client = server.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = GatehouseServer.Json(body) };
        using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
        await using var stream = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var text = new StringBuilder();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
            {
                text.Append(Encoding.UTF8.GetString(buffer, 0, read));
            }

            return (text.ToString(), true);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            return (text.ToString(), false);
        }
    }
}
