namespace Gatehouse.Records.Journal;

/// <summary>Reads a segment file back: its header, then entries up to the end or the first torn or corrupt one.</summary>
internal static class RecordJournalReader
{
    /// <summary>The first bytes of every segment: the format and its version.</summary>
    public static ReadOnlySpan<byte> Magic => "GHRJRNL1"u8;

    /// <param name="validLength">Where the last complete entry ends (the rest is a torn tail, or the file is not a journal: 0).</param>
    public static List<RequestRecord> Read(string path, out long validLength)
    {
        var data = File.ReadAllBytes(path);
        var records = new List<RequestRecord>();
        validLength = 0;
        if (!data.AsSpan().StartsWith(Magic))
        {
            return records;
        }

        var offset = Magic.Length;
        while (RecordJournalFrame.TryDecode(data.AsSpan(offset), out var record, out var frameLength))
        {
            records.Add(record!);
            offset += frameLength;
        }

        validLength = offset;
        return records;
    }
}
