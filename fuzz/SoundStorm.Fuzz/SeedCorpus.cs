using SoundStorm.Export.Checkpoints;
using SoundStorm.Export.Onnx;
using SoundStorm.Onnx;
using SoundStorm.Export.NumPy;
using SoundStorm.Export.Packaging;

namespace SoundStorm.Fuzz;

/// <summary>Small valid inputs written with the project's own writers: the starting corpus for each parser.</summary>
internal static class SeedCorpus
{
    public static void Write(string root)
    {
        string Dir(string parser) => Directory.CreateDirectory(Path.Combine(root, parser)).FullName;
        var tone = Enumerable.Range(0, 48).Select(i => MathF.Sin(i / 4f) * 0.5f).ToArray();
        new AudioClip([tone, tone], 16000).WriteWav(Path.Combine(Dir("wav"), "pcm16-stereo.wav"));
        new AudioClip(tone, 8000).WriteWav(Path.Combine(Dir("wav"), "float32.wav"), WavSampleFormat.Float32);
        NpyFile.Write(Path.Combine(Dir("npy"), "f4.npy"), new NpyArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
        SafeTensorsFile.Write(Path.Combine(Dir("safetensors"), "small.safetensors"),
            [CheckpointTensor.FromFloat32("w", [2, 3], [1, 2, 3, 4, 5, 6]), CheckpointTensor.FromInt64("ids", [2], [7, -7])],
            new Dictionary<string, string> { ["format"] = "pt" });
        var g = new OnnxGraphBuilder("seed");
        var x = g.Input("x", ElementType.Float, "batch", 4);
        g.Output(g.Add(x, g.Initializer("w", TensorData.FromFloat([1f, 2f, 3f, 4f], 4))), "y", ElementType.Float, "batch", 4);
        File.WriteAllBytes(Path.Combine(Dir("onnx"), "add.onnx"), g.Build().ToBytes());
        var manifest = new ModelManifest
        {
            Name = "seed", SampleRate = 16000, FrameRate = 50, Codebooks = 4, CodebookSize = 1024, SemanticVocabulary = 500, MaskTokenId = 1024,
            Graphs = { ["combiner"] = new GraphEntry { File = "combiner.onnx", Sha256 = new string('a', 64) } },
        };
        File.WriteAllText(Path.Combine(Dir("manifest"), "manifest.json"), manifest.ToJson());
    }
}
