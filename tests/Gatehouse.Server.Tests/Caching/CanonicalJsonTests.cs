using System.Buffers;
using System.Text;
using System.Text.Json;
using Gatehouse.Caching;
using Xunit;

namespace Gatehouse.Tests.Caching;

/// <summary>The canonical form the cache key hashes: same meaning, same bytes; different meaning, different bytes.</summary>
public sealed class CanonicalJsonTests
{
    private static readonly HashSet<string> s_ignored = new(StringComparer.Ordinal) { "user" };

    private static string Canonical(string json)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            CanonicalJson.Write(Encoding.UTF8.GetBytes(json), writer, s_ignored);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void MembersAreSortedAtEveryDepth_WhitespaceGoes_ArraysKeepTheirOrder()
    {
        Assert.Equal(
            """{"a":[3,1,{"x":1,"y":{"m":true,"n":null}}],"b":"two","c":1.50}""",
            Canonical("""  { "c": 1.50, "b": "two", "a": [ 3, 1, { "y": { "n": null, "m": true }, "x": 1 } ] }  """));
    }

    [Fact]
    public void IgnoredMembersGoOnlyAtTheTop()
    {
        Assert.Equal("""{"messages":[{"content":"hi","user":"kept"}]}""", Canonical("""{"user":"dropped","messages":[{"user":"kept","content":"hi"}]}"""));
    }

    [Fact]
    public void EscapedNamesAndStrings_MeanTheSameAsPlainOnes()
    {
        Assert.Equal(Canonical("""{"model":"m","b":"A"}"""), Canonical("""{"\u006dodel":"m","b":"\u0041"}"""));
    }

    [Fact]
    public void NumbersKeepTheirText_SoDifferentSpellingsStayDifferent()
    {
        Assert.NotEqual(Canonical("""{"t":1}"""), Canonical("""{"t":1.0}"""));
        Assert.NotEqual(Canonical("""{"t":"1"}"""), Canonical("""{"t":1}"""));
    }
}
