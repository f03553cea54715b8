namespace Gatehouse.Gateway;

/// <summary>
/// Where a <see cref="VirtualResponse"/> puts what the pipeline writes: the status and headers once,
/// at the first byte, then the body as it comes.
/// </summary>
internal interface IResponseSink
{
    void Start(int statusCode, KeyValuePair<string, string>[] headers);

    void Append(ReadOnlySpan<byte> data);

    /// <summary>The pipeline's writes. Sinks that keep bytes in memory finish at once; one that passes them on to a client overrides this.</summary>
    ValueTask AppendAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
    {
        Append(data.Span);
        return ValueTask.CompletedTask;
    }

    ValueTask FlushAsync(CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
