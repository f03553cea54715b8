namespace Gatehouse.Gateway;

/// <summary>
/// Where a <see cref="VirtualResponse"/> puts what the pipeline writes: the status and headers once,
/// at the first byte, then the body as it comes.
/// </summary>
internal interface IResponseSink
{
    void Start(int statusCode, KeyValuePair<string, string>[] headers);

    void Append(ReadOnlySpan<byte> data);
}
