using System.Buffers.Binary;
using System.Text;
using SoundStorm.Export.Onnx.Proto;
using Xunit.Abstractions;

namespace SoundStorm.Export.Tests.Hardening;

/// <summary>
/// Mutations that keep the outer syntax valid so they reach the readers' models: safetensors headers mutated as JSON
/// (same data section), and nesting deep enough to overflow a recursive reader (JSON, protobuf).
/// </summary>
public sealed class StructuredFuzzTests(ITestOutputHelper output)
{
    private static (string Header, byte[] Data) Split(byte[] file)
    {
        int length = (int)BinaryPrimitives.ReadUInt64LittleEndian(file);
        return (Encoding.UTF8.GetString(file, 8, length), file[(8 + length)..]);
    }

    private static byte[] Join(byte[] header, byte[] data)
    {
        var file = new byte[8 + header.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(file, (ulong)header.Length);
        header.CopyTo(file, 8);
        data.CopyTo(file, 8 + header.Length);
        return file;
    }

    private static bool HasJsonHeader(byte[] file)
    {
        if (file.Length < 8 || BinaryPrimitives.ReadUInt64LittleEndian(file) > (ulong)(file.Length - 8)) return false;
        try
        {
            return System.Text.Json.Nodes.JsonNode.Parse(Split(file).Header) is System.Text.Json.Nodes.JsonObject;
        }
        catch (System.Text.Json.JsonException)
        {
            return false;
        }
    }

    private static SafeTensorsContent ReadSafetensors(byte[] file) => SafeTensorsFile.Read(new MemoryStream(file, writable: false), "fuzz.safetensors");

    [Fact]
    public void Safetensors_header_mutated_as_json_only_parses_or_refuses()
    {
        // Structural mutation needs a readable header to start from: corpus entries without one are left to the byte-level test.
        var seeds = MutationFuzzer.Corpus("safetensors").Where(HasJsonHeader).ToList();
        Assert.NotEmpty(seeds);
        var report = MutationFuzzer.Run("safetensors header (JSON-aware)", seeds, 3000, b => ReadSafetensors(b), e => e is CheckpointFormatException,
            mutate: (s, rng) =>
            {
                var (header, data) = Split(s[rng.Next(s.Count)]);
                return Join(JsonMutator.Mutate(header, rng), data);
            });
        output.WriteLine(report.ToString());
    }

    [Theory]
    [InlineData("{\"a\":", "}")]
    [InlineData("{\"__metadata__\":", "}")]
    [InlineData("{\"t\":{\"dtype\":\"F32\",\"shape\":", ",\"data_offsets\":[0,0]}}")]
    public void Safetensors_header_nested_a_million_levels_is_refused(string before, string after)
    {
        string header = before + new string('[', 1_000_000) + new string(']', 1_000_000) + after;
        var error = Assert.Throws<CheckpointFormatException>(() => ReadSafetensors(Join(Encoding.UTF8.GetBytes(header), [])));
        Assert.Contains("not valid JSON", error.Message);
    }

    [Fact]
    public void Onnx_graph_nested_past_the_protobuf_recursion_limit_is_refused()
    {
        // Graphs inside node attributes (If/Loop bodies) nest; 1,000 levels are far past protobuf's limit of 100.
        var graph = new GraphProto { Name = "innermost" };
        for (int i = 0; i < 1000; i++)
        {
            var node = new NodeProto { OpType = "If" };
            node.Attribute.Add(new AttributeProto { Name = "then_branch", G = graph });
            graph = new GraphProto { Name = $"level{i}" };
            graph.Node.Add(node);
        }

        byte[] bytes = Google.Protobuf.MessageExtensions.ToByteArray(new ModelProto { Graph = graph });
        var error = Assert.Throws<OnnxFormatException>(() => OnnxModel.Parse(bytes));
        Assert.Contains("not a valid ONNX model", error.Message);
    }
}
