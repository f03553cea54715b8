using System.Collections.Concurrent;

namespace Gatehouse.Prompts;

/// <summary>
/// Compiled versions by content hash. Versions never change, so an entry never goes stale; equal
/// content (a file loaded again, a version copied) shares one. Bounded: past
/// <see cref="Capacity"/> entries the cache starts over, which costs only recompiling.
/// </summary>
internal sealed class PromptTemplateCache
{
    public const int Capacity = 4096;

    private readonly ConcurrentDictionary<string, CompiledPromptVersion> _compiled = new(StringComparer.Ordinal);

    public int Count => _compiled.Count;

    public CompiledPromptVersion Get(PromptVersion version)
    {
        if (_compiled.TryGetValue(version.ContentHash, out var compiled))
        {
            return compiled;
        }

        if (_compiled.Count >= Capacity)
        {
            _compiled.Clear();
        }

        // Two threads may compile the same version at once; both results are equal, one is kept.
        return _compiled.GetOrAdd(version.ContentHash, static (_, definition) => CompiledPromptVersion.Compile(definition), version.Definition);
    }
}
