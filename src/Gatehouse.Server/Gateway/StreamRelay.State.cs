using System.Buffers;
using System.Text;
using Gatehouse.OpenAI;
using Gatehouse.Providers;
using Gatehouse.Usage;

namespace Gatehouse.Gateway;

internal sealed partial class StreamRelay
{
    /// <summary>Generated text kept for token estimation when the upstream sends no usage; beyond this, estimation undercounts.</summary>
    private const int MaxRetainedBytes = 4 * 1024 * 1024;

    /// <summary>What one stream has shown so far.</summary>
    private sealed class StreamState(bool clientWantsUsage)
    {
        private ArrayBufferWriter<byte>? _retained;

        public bool ClientWantsUsage { get; } = clientWantsUsage;

        public bool Done { get; set; }

        public bool SkipNextBlankLine { get; set; }

        public bool UpstreamErrorForwarded { get; set; }

        public TokenUsage? Usage { get; set; }

        public PriceTier Tier { get; set; }

        public UpstreamFailure? Failure { get; private set; }

        public string? FailureMessage { get; private set; }

        public void Fail(UpstreamFailure failure, string message)
        {
            Failure ??= failure;
            FailureMessage ??= message;
        }

        public void Retain(ReadOnlySpan<byte> payload)
        {
            _retained ??= new ArrayBufferWriter<byte>(4096);
            if (_retained.WrittenCount + payload.Length + 1 <= MaxRetainedBytes)
            {
                _retained.Write(payload);
                _retained.Write("\n"u8);
            }
        }

        public string GeneratedText()
        {
            if (_retained is null)
            {
                return "";
            }

            var text = new StringBuilder();
            foreach (var chunk in _retained.WrittenSpan.Split((byte)'\n'))
            {
                OpenAIUsageReader.AppendGeneratedText(_retained.WrittenSpan[chunk], text);
            }

            return text.ToString();
        }
    }
}
