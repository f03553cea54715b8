namespace Gatehouse.Gateway.Dialects;

/// <summary>What an event of a natively passed-through stream is to the relay (see <see cref="NativeUpstream.ReadStreamEvent"/>).</summary>
internal enum NativeStreamEvent
{
    /// <summary>Content (or anything else): forwarded, and kept for a token estimate should the stream report no usage.</summary>
    Content,

    /// <summary>An event that reports usage.</summary>
    Usage,

    /// <summary>The stream's terminating event: the answer is complete.</summary>
    End,

    /// <summary>The upstream's own error event: forwarded, and the stream ends failed.</summary>
    Error,
}
