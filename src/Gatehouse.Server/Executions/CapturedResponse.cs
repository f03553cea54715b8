using System.Buffers;
using Gatehouse.Gateway;

namespace Gatehouse.Executions;

/// <summary>
/// Keeps what the pipeline answered an in-process call: status, headers and the whole body, and
/// shows each piece of the body to an observer as it arrives (a stream's events, live).
/// </summary>
internal sealed class CapturedResponse(Action<ReadOnlySpan<byte>>? observer) : IResponseSink
{
    private readonly ArrayBufferWriter<byte> _body = new();

    public int StatusCode { get; private set; }

    public IReadOnlyDictionary<string, string> Headers { get; private set; } = new Dictionary<string, string>();

    public ReadOnlyMemory<byte> Body => _body.WrittenMemory;

    public void Start(int statusCode, KeyValuePair<string, string>[] headers)
    {
        StatusCode = statusCode;
        Headers = new Dictionary<string, string>(headers, StringComparer.OrdinalIgnoreCase);
    }

    public void Append(ReadOnlySpan<byte> data)
    {
        _body.Write(data);
        observer?.Invoke(data);
    }
}
