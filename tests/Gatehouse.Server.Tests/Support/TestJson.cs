using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Gatehouse.Tests.Support;

/// <summary>
/// Reflection-based JSON for test code only. Reflection is disabled by default in this test host
/// (as in the server) so that any server path missing a source-generated context fails a test.
/// </summary>
internal static class TestJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web) { TypeInfoResolver = new DefaultJsonTypeInfoResolver() };
}
