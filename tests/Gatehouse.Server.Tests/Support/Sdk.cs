using System.ClientModel;
using System.ClientModel.Primitives;
using OpenAI;

namespace Gatehouse.Tests.Support;

internal static class Sdk
{
    /// <summary>An OpenAI SDK client for Gatehouse, with the SDK's own retries off so each test sees one call.</summary>
    public static OpenAIClient OpenAI(GatehouseServer server, string key = GatehouseServer.MasterKey) =>
        new(new ApiKeyCredential(key), new OpenAIClientOptions { Endpoint = server.V1, RetryPolicy = new ClientRetryPolicy(maxRetries: 0) });
}
