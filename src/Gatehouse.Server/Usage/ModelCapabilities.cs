namespace Gatehouse.Usage;

/// <summary>What a priced model is published to support (the price table's <c>supports_*</c> flags), shown on <c>/api/models</c>.</summary>
[Flags]
public enum ModelCapabilities
{
    None = 0,

    /// <summary><c>supports_function_calling</c>: tools.</summary>
    Tools = 1,

    /// <summary><c>supports_vision</c>: image input.</summary>
    Vision = 2,

    /// <summary><c>supports_response_schema</c>: <c>response_format: json_schema</c>.</summary>
    JsonSchema = 4,

    /// <summary><c>supports_reasoning</c>.</summary>
    Reasoning = 8,

    /// <summary><c>supports_prompt_caching</c>.</summary>
    PromptCaching = 16,
}
