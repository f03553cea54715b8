using System.Security.Cryptography;
using System.Text;
using BenchmarkDotNet.Attributes;
using Gatehouse.Keys;

namespace Gatehouse.Benchmarks;

/// <summary>
/// Authentication: <see cref="KeyRegistry.Check"/> with 10,000 virtual keys loaded. Baseline: the
/// irreducible part, SHA-256 of the secret's bytes into a stack buffer.
/// </summary>
[MemoryDiagnoser]
public class KeyCheckBenchmarks
{
    private const int KeyCount = 10_000;
    private KeyRegistry _registry = null!;
    private string _master = "";
    private string _virtual = "";
    private string _unknown = "";
    private byte[] _virtualUtf8 = [];

    [GlobalSetup]
    public void Setup()
    {
        _registry = new KeyRegistry(TimeProvider.System);
        _master = "sk-bench";
        _registry.SetMasterKeyHash(KeyHasher.Hash(_master));
        var keys = new List<VirtualKey>(KeyCount);
        for (var i = 0; i < KeyCount; i++)
        {
            var secret = $"gh-{i:D6}-Zq3k9VbX2mT7pL0rW8sY4nD6fH1jK5cA";
            keys.Add(new VirtualKey
            {
                Id = $"key_{i:D6}",
                Name = $"bench {i}",
                KeyHash = KeyHasher.Hash(secret),
                Prefix = secret[..8],
                ExpiresAt = DateTimeOffset.UtcNow.AddDays(30),
                CreatedAt = DateTimeOffset.UtcNow,
            });
        }

        _registry.Load(keys);
        _virtual = "gh-004242-Zq3k9VbX2mT7pL0rW8sY4nD6fH1jK5cA";
        _unknown = "gh-999999-notAKeyThatExistsAnywhereXXXXXX";
        _virtualUtf8 = Encoding.UTF8.GetBytes(_virtual);
    }

    [Benchmark(Baseline = true, Description = "SHA256.HashData into stack (baseline)")]
    public byte HashOnly()
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(_virtualUtf8, hash);
        return hash[0];
    }

    [Benchmark(Description = "KeyHasher.Hash (hex string)")]
    public string HashHex() => KeyHasher.Hash(_virtual);

    [Benchmark(Description = "KeyRegistry.Check master key")]
    public int CheckMaster() => (int)_registry.Check(_master, out _);

    [Benchmark(Description = "KeyRegistry.Check virtual key (expiry set)")]
    public int CheckVirtual() => (int)_registry.Check(_virtual, out _);

    [Benchmark(Description = "KeyRegistry.Check unknown key")]
    public int CheckUnknown() => (int)_registry.Check(_unknown, out _);
}
