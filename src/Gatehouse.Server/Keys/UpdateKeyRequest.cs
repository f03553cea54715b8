using System.Text.Json;
using System.Text.Json.Serialization;

namespace Gatehouse.Keys;

/// <summary>
/// Body of <c>PATCH /api/keys/{id}</c>: only what the body names changes. <c>"routing": {...}</c>
/// replaces the key's routing preferences, <c>"routing": null</c> clears them; <c>"cache"</c> the
/// same for its response-cache settings. Anything else is
/// refused by name rather than ignored, so nobody believes they changed what they did not.
/// </summary>
public sealed class UpdateKeyRequest
{
    private KeyRoutingSettings? _routing;

    public KeyRoutingSettings? Routing
    {
        get => _routing;
        set
        {
            _routing = value;
            HasRouting = true;
        }
    }

    private bool? _toolPrefilter;

    /// <summary><c>true</c>/<c>false</c> turns tool prefiltering on or off for the key's calls; <c>null</c> follows the model alias again.</summary>
    public bool? ToolPrefilter
    {
        get => _toolPrefilter;
        set
        {
            _toolPrefilter = value;
            HasToolPrefilter = true;
        }
    }

    /// <summary>True when the body had <c>toolPrefilter</c>, even as null.</summary>
    [JsonIgnore]
    public bool HasToolPrefilter { get; private set; }

    /// <summary>True when the body had <c>routing</c>, even as null.</summary>
    [JsonIgnore]
    public bool HasRouting { get; private set; }

    private KeyCacheSettings? _cache;

    public KeyCacheSettings? Cache
    {
        get => _cache;
        set
        {
            _cache = value;
            HasCache = true;
        }
    }

    /// <summary>True when the body had <c>cache</c>, even as null.</summary>
    [JsonIgnore]
    public bool HasCache { get; private set; }

    /// <summary>Properties this endpoint cannot change.</summary>
    [JsonExtensionData]
    public Dictionary<string, JsonElement>? Unsupported { get; set; }
}
