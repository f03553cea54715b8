namespace Gatehouse.Storage;

/// <summary>
/// Tool prefiltering over an analytics range (the <c>requests.tools</c> part of <c>/api/analytics</c>):
/// calls where it ran and their tool tokens, offered and sent. <see cref="Reduction"/> is the
/// share of tool tokens saved (search rounds included, so it can be negative).
/// </summary>
public sealed class ToolTokenTotals
{
    public long Calls { get; set; }

    public long TokensOffered { get; set; }

    public long TokensSent { get; set; }

    public long ToolsOffered { get; set; }

    public long ToolsSent { get; set; }

    public long SearchRounds { get; set; }

    public double Reduction => TokensOffered == 0 ? 0 : 1 - ((double)TokensSent / TokensOffered);
}
