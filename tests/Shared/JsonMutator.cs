using System.Text;
using System.Text.Json.Nodes;

namespace SoundStorm.Tests.Shared;

/// <summary>
/// Structure-aware mutation of JSON documents (manifests, safetensors headers): byte mutations mostly break the syntax and
/// stop at the parser, so these keep the document valid JSON and change what the reader's model sees instead — a value
/// replaced by null, another type, a huge or negative number, a path, deep nesting; a property removed or duplicated.
/// </summary>
public static class JsonMutator
{
    private static readonly Func<Random, JsonNode?>[] Replacements =
    [
        _ => null,
        _ => JsonValue.Create(true),
        _ => JsonValue.Create(-1),
        _ => JsonValue.Create(0),
        _ => JsonValue.Create(long.MaxValue),
        _ => JsonValue.Create(1e308),
        _ => JsonValue.Create(1.5),
        _ => JsonValue.Create(""),
        _ => JsonValue.Create("../../outside"),
        _ => JsonValue.Create("/etc/passwd"),
        _ => JsonValue.Create(new string('9', 400)),
        _ => new JsonArray(),
        _ => new JsonObject(),
        _ => new JsonArray(JsonValue.Create(-5), null, JsonValue.Create("x")),
        r => Nested(r.Next(10, 300)),
    ];

    /// <summary>Returns a mutated copy of <paramref name="json"/> as UTF-8 bytes (1–3 structural edits).</summary>
    public static byte[] Mutate(string json, Random rng)
    {
        JsonNode root = JsonNode.Parse(json)!;
        int edits = 1 + rng.Next(3);
        for (int e = 0; e < edits; e++)
        {
            var nodes = new List<JsonNode>();
            Collect(root, nodes);
            JsonNode target = nodes[rng.Next(nodes.Count)];
            if (target.Parent is null) continue;
            ReplaceOrRemove(target, rng);
        }

        string text = root.ToJsonString();
        // Now and then a duplicated property, which JsonNode cannot hold but a file can.
        if (rng.Next(10) == 0 && text.IndexOf("\":", StringComparison.Ordinal) is var at and > 0)
        {
            int start = text.LastIndexOf('"', at - 1);
            int end = text.IndexOfAny([',', '}'], at);
            if (start >= 0 && end > at) text = text.Insert(end, "," + text[start..end]);
        }

        return Encoding.UTF8.GetBytes(text);
    }

    private static void ReplaceOrRemove(JsonNode target, Random rng)
    {
        JsonNode? replacement = rng.Next(8) == 0 ? null : Replacements[rng.Next(Replacements.Length)](rng);
        bool remove = rng.Next(8) == 0;
        switch (target.Parent)
        {
            case JsonObject obj:
                string key = obj.First(p => ReferenceEquals(p.Value, target)).Key;
                if (remove) obj.Remove(key);
                else obj[key] = replacement;
                break;
            case JsonArray array:
                int index = array.IndexOf(target);
                if (remove) array.RemoveAt(index);
                else array[index] = replacement;
                break;
        }
    }

    private static void Collect(JsonNode? node, List<JsonNode> into)
    {
        if (node is null) return;
        into.Add(node);
        switch (node)
        {
            case JsonObject obj: foreach (var (_, child) in obj) Collect(child, into); break;
            case JsonArray array: foreach (var child in array) Collect(child, into); break;
        }
    }

    private static JsonNode Nested(int depth)
    {
        JsonNode node = new JsonArray();
        for (int i = 1; i < depth; i++) node = new JsonArray(node);
        return node;
    }
}
