namespace SoundStorm.Export.Checkpoints;

/// <summary>
/// Flattens nested dictionaries of tensors into one ordered name → tensor map, joining keys with dots
/// (<c>{"generator": {"conv.weight": t}}</c> → <c>generator.conv.weight</c>). Non-tensor leaves are skipped.
/// </summary>
internal static class StateDictFlattener
{
    private const int MaxDepth = 64;

    internal static OrderedDictionary<string, CheckpointTensor> Flatten(CheckpointDict root, string source)
    {
        var result = new OrderedDictionary<string, CheckpointTensor>(StringComparer.Ordinal);
        Visit(root, "", result, source, depth: 0);
        return result;
    }

    private static void Visit(CheckpointDict dict, string prefix, OrderedDictionary<string, CheckpointTensor> result, string source, int depth)
    {
        if (depth > MaxDepth) throw new CheckpointFormatException($"{source}: dictionaries nested deeper than {MaxDepth} levels at '{prefix}'.");
        foreach (var (key, value) in dict)
        {
            string name = prefix + key switch
            {
                string s => s,
                long or System.Numerics.BigInteger => key.ToString(),
                _ => throw new CheckpointFormatException($"{source}: state-dict key {key} under '{prefix}' is not a string or an integer."),
            };
            switch (value)
            {
                case CheckpointTensor tensor:
                    if (!result.TryAdd(name, tensor.WithName(name))) throw new CheckpointFormatException($"{source}: two tensors flatten to the name '{name}'.");
                    break;
                case CheckpointDict child:
                    Visit(child, name + ".", result, source, depth + 1);
                    break;
            }
        }
    }
}
