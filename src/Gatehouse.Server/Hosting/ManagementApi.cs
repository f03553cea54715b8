namespace Gatehouse.Hosting;

/// <summary>The management API's paths: everything under <c>/api</c>, where every error is ProblemDetails.</summary>
internal static class ManagementApi
{
    public static readonly PathString Prefix = new("/api");

    /// <summary>Whether <paramref name="path"/> is under <c>/api</c> (case-insensitive, as routing is).</summary>
    public static bool Owns(PathString path) => path.StartsWithSegments(Prefix, StringComparison.OrdinalIgnoreCase);
}
