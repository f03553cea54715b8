namespace Gatehouse.Anthropic;

/// <summary>The Anthropic stream events the relay acts on; every other event is forwarded untouched.</summary>
internal enum AnthropicEventKind
{
    Other,
    MessageStart,
    MessageDelta,
    MessageStop,
    Error,
}
