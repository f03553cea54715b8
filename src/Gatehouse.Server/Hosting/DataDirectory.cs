using Gatehouse.Configuration;

namespace Gatehouse.Hosting;

/// <summary>Where Gatehouse keeps its files (<c>GATEHOUSE_DATA_DIR</c>, default <c>./data</c>): the SQLite database and the record journal.</summary>
internal sealed class DataDirectory(string path)
{
    public string Path { get; } = System.IO.Path.GetFullPath(path);

    /// <summary>
    /// Creates the directory if needed and proves it takes a file, so a read-only or unwritable
    /// directory stops the start with a message naming it, before anything else tries to write there.
    /// </summary>
    /// <exception cref="GatehouseConfigurationException">The directory cannot be created or written.</exception>
    public void EnsureWritable()
    {
        var probe = System.IO.Path.Combine(Path, $".write-probe-{Environment.ProcessId}");
        try
        {
            Directory.CreateDirectory(Path);
            using (var file = new FileStream(probe, FileMode.Create, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
                file.WriteByte(0);
                file.Flush(flushToDisk: false);
            }

            // Files of an earlier run must be writable too (a read-only database fails later, and less clearly).
            foreach (var existing in Directory.EnumerateFiles(Path, "gatehouse.db*"))
            {
                using var file = new FileStream(existing, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite | FileShare.Delete, 1);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            throw new GatehouseConfigurationException(
                $"The data directory '{Path}' is not writable ({ex.Message}). Gatehouse keeps its database and record journal there: " +
                $"make it writable for this user, or set {GatehouseConfiguration.DataDirectoryVariable} to a directory that is.",
                ex);
        }
    }
}
