using System.Runtime.CompilerServices;

namespace Gatehouse.Tests.Support;

/// <summary>
/// What the server sets before its <c>Main</c> (the default regex match timeout, read once by .NET
/// when Regex is first used), set here before the test runner's <c>Main</c> for the same reason:
/// the servers these tests start run in this process.
/// </summary>
internal static class ProcessDefaults
{
#pragma warning disable CA2255 // The test project is an application; this must run before the runner uses Regex.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void Apply() => Gatehouse.Hosting.RegexTimeout.Apply();
}
