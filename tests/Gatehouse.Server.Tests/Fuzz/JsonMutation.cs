namespace Gatehouse.Tests.Fuzz;

/// <summary>
/// One structural change to a seed body: replace a value, remove a member, add one, repeat a key,
/// wrap a value in an array, or put an extreme number where
/// the seed has a number. <see cref="Pick"/> chooses the place among all the places the tree
/// has at that moment, so the same mutation applies to any tree.
/// </summary>
internal readonly record struct JsonMutation(JsonMutationKind Kind, int Pick, byte[] Value, byte[] Key)
{
    public void ApplyTo(JsonTree root)
    {
        var slots = new List<(JsonTree Container, int Index)>();
        var containers = new List<JsonTree>();
        Collect(root, slots, containers);
        if (containers.Count == 0)
        {
            return;
        }

        if (Kind == JsonMutationKind.Add || slots.Count == 0)
        {
            switch (containers[Pick % containers.Count])
            {
                case JsonTreeObject obj:
                    obj.Members.Insert(Pick % (obj.Members.Count + 1), new JsonTreeMember(Key, new JsonTreeLeaf(Value)));
                    break;
                case JsonTreeArray array:
                    array.Items.Insert(Pick % (array.Items.Count + 1), new JsonTreeLeaf(Value));
                    break;
            }

            return;
        }

        if (Kind == JsonMutationKind.ExtremeNumber)
        {
            var numbers = slots.Where(s => ValueAt(s.Container, s.Index) is JsonTreeLeaf { Bytes: [var first, ..] } && (char.IsAsciiDigit((char)first) || first == '-')).ToList();
            slots = numbers.Count > 0 ? numbers : slots;
        }

        var (container, index) = slots[Pick % slots.Count];
        switch (Kind, container)
        {
            case (JsonMutationKind.Replace or JsonMutationKind.ExtremeNumber, JsonTreeObject obj):
                obj.Members[index] = obj.Members[index] with { Value = new JsonTreeLeaf(Value) };
                break;
            case (JsonMutationKind.Replace or JsonMutationKind.ExtremeNumber, JsonTreeArray array):
                array.Items[index] = new JsonTreeLeaf(Value);
                break;
            case (JsonMutationKind.Remove, JsonTreeObject obj):
                obj.Members.RemoveAt(index);
                break;
            case (JsonMutationKind.Remove, JsonTreeArray array):
                array.Items.RemoveAt(index);
                break;
            case (JsonMutationKind.RepeatKey, JsonTreeObject obj):
                obj.Members.Insert(index + 1, obj.Members[index] with { Value = new JsonTreeLeaf(Value) });
                break;
            case (JsonMutationKind.RepeatKey, JsonTreeArray array):
                array.Items.Insert(index + 1, array.Items[index].Clone());
                break;
            case (JsonMutationKind.Wrap, JsonTreeObject obj):
                obj.Members[index] = obj.Members[index] with { Value = new JsonTreeArray([obj.Members[index].Value]) };
                break;
            case (JsonMutationKind.Wrap, JsonTreeArray array):
                array.Items[index] = new JsonTreeObject([new JsonTreeMember(Key, array.Items[index])]);
                break;
        }
    }

    public override string ToString() => $"{Kind}@{Pick}";

    private static JsonTree ValueAt(JsonTree container, int index) => container switch
    {
        JsonTreeObject obj => obj.Members[index].Value,
        JsonTreeArray array => array.Items[index],
        _ => container,
    };

    private static void Collect(JsonTree node, List<(JsonTree, int)> slots, List<JsonTree> containers)
    {
        switch (node)
        {
            case JsonTreeObject obj:
                containers.Add(obj);
                for (var i = 0; i < obj.Members.Count; i++)
                {
                    slots.Add((obj, i));
                    Collect(obj.Members[i].Value, slots, containers);
                }

                break;
            case JsonTreeArray array:
                containers.Add(array);
                for (var i = 0; i < array.Items.Count; i++)
                {
                    slots.Add((array, i));
                    Collect(array.Items[i], slots, containers);
                }

                break;
        }
    }
}
