namespace Gatehouse.Tests.Support;

internal static class TempDirectory
{
    /// <summary>A fresh directory under the system temp folder; test runs leave them for post-mortems, and the OS cleans /tmp.</summary>
    public static string Create()
    {
        var path = Path.Combine(Path.GetTempPath(), "gatehouse-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(path);
        return path;
    }
}
