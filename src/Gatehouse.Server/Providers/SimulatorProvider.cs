namespace Gatehouse.Providers;

/// <summary>
/// The built-in simulator behind the same OpenAI wire protocol as a real upstream, in process.
/// The caller's <c>x-gatehouse-sim-*</c> headers are passed on so tests and load runs can inject faults per request.
/// </summary>
internal sealed class SimulatorProvider(string name, HttpMessageInvoker simulator)
    : OpenAICompatibleProvider(name, simulator, SimulatorBaseUrl, apiKey: null, new Dictionary<string, string>())
{
    public const string HeaderPrefix = "x-gatehouse-sim-";

    private static readonly Uri SimulatorBaseUrl = new("http://simulator.gatehouse.internal/v1/");

    protected override void AddForwardedHeaders(HttpRequestMessage message, ProviderRequest request)
    {
        foreach (var (header, value) in request.ClientHeaders)
        {
            if (header.StartsWith(HeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                message.Headers.TryAddWithoutValidation(header, (IEnumerable<string?>)value);
            }
        }
    }
}
