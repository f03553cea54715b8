using Microsoft.AspNetCore.Http;

namespace Gatehouse.Providers;

/// <summary>What an adapter needs to make one upstream call.</summary>
/// <param name="Body">The request body already rewritten for the upstream (model name, usage option).</param>
/// <param name="ClientHeaders">The caller's headers, for adapters that forward some of them (the simulator's fault knobs).</param>
internal readonly record struct ProviderRequest(
    ApiOperation Operation,
    string UpstreamModel,
    ReadOnlyMemory<byte> Body,
    IHeaderDictionary ClientHeaders);
