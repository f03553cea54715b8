using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// A JSON body the fuzzer can take apart and put back together byte for byte. Leaves are raw
/// bytes, so a mutation can put in what no JSON library would write: invalid UTF-8, lone surrogate
/// escapes, bare <c>NaN</c>, 10,000 levels of brackets. Only containers of the seed bodies are
/// trees; everything generated is a leaf, so writing never recurses deeper than a seed.
/// </summary>
internal abstract class JsonTree
{
    public abstract JsonTree Clone();

    public abstract void WriteTo(List<byte> output);

    public byte[] ToBytes()
    {
        var output = new List<byte>(256);
        WriteTo(output);
        return [.. output];
    }

    public static JsonTree Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return From(document.RootElement);
    }

    private static JsonTree From(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => new JsonTreeObject(element.EnumerateObject()
            .Select(p => new JsonTreeMember(Key(p.Name), From(p.Value)))
            .ToList()),
        JsonValueKind.Array => new JsonTreeArray(element.EnumerateArray().Select(From).ToList()),
        _ => new JsonTreeLeaf(Encoding.UTF8.GetBytes(element.GetRawText())),
    };

    /// <summary>A key token for an ordinary name: quoted and escaped.</summary>
    public static byte[] Key(string name) => Encoding.UTF8.GetBytes("\"" + JsonEncodedText.Encode(name, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"");
}

/// <summary>A raw JSON token (or any bytes at all) standing where a value goes.</summary>
internal sealed class JsonTreeLeaf(byte[] bytes) : JsonTree
{
    public byte[] Bytes { get; } = bytes;

    public override JsonTree Clone() => this;

    public override void WriteTo(List<byte> output) => output.AddRange(Bytes);
}

/// <summary>An object member; <see cref="Key"/> is the raw key token, quotes included.</summary>
internal sealed record JsonTreeMember(byte[] Key, JsonTree Value);

internal sealed class JsonTreeObject(List<JsonTreeMember> members) : JsonTree
{
    public List<JsonTreeMember> Members { get; } = members;

    public override JsonTree Clone() => new JsonTreeObject(Members.Select(m => m with { Value = m.Value.Clone() }).ToList());

    public override void WriteTo(List<byte> output)
    {
        output.Add((byte)'{');
        for (var i = 0; i < Members.Count; i++)
        {
            if (i > 0)
            {
                output.Add((byte)',');
            }

            output.AddRange(Members[i].Key);
            output.Add((byte)':');
            Members[i].Value.WriteTo(output);
        }

        output.Add((byte)'}');
    }
}

internal sealed class JsonTreeArray(List<JsonTree> items) : JsonTree
{
    public List<JsonTree> Items { get; } = items;

    public override JsonTree Clone() => new JsonTreeArray(Items.Select(i => i.Clone()).ToList());

    public override void WriteTo(List<byte> output)
    {
        output.Add((byte)'[');
        for (var i = 0; i < Items.Count; i++)
        {
            if (i > 0)
            {
                output.Add((byte)',');
            }

            Items[i].WriteTo(output);
        }

        output.Add((byte)']');
    }
}
