using SoundStorm.Export.NumPy;

namespace SoundStorm.Onnx.Tests.Hardening;

/// <summary>Thousands of mutated inputs for the library's readers (bounded mode for CI): WAV, .npy, model-package manifest and zip.</summary>
public sealed class LibraryParserFuzzTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _dir = TestPaths.NewTempDirectory();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Wav_reader_only_parses_or_refuses()
    {
        var seeds = MutationFuzzer.Corpus("wav");
        foreach (var format in new[] { WavSampleFormat.Pcm16, WavSampleFormat.Float32 })
        {
            using var stream = new MemoryStream();
            new AudioClip([Enumerable.Range(0, 64).Select(i => MathF.Sin(i / 3f) * 0.5f).ToArray(), new float[64]], 16000).WriteWav(stream, format);
            seeds.Add(stream.ToArray());
        }
        var report = MutationFuzzer.Run("wav", seeds, 10_000, b => AudioClip.ReadWav(new MemoryStream(b), "fuzz.wav"), e => e is AudioFormatException);
        output.WriteLine(report.ToString());

        // Non-seekable streams are buffered first; the same inputs must behave the same way.
        var unseekable = MutationFuzzer.Run("wav (non-seekable stream)", seeds, 1000, b => AudioClip.ReadWav(new ForwardOnlyStream(b), "fuzz.wav"),
            e => e is AudioFormatException, seed: 2);
        output.WriteLine(unseekable.ToString());
    }

    [Fact]
    public void Npy_reader_only_parses_or_refuses()
    {
        var seeds = MutationFuzzer.Corpus("npy");
        foreach (var array in new[] { new NpyArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3), new NpyArray(new long[] { 7, -7 }, 2), new NpyArray(new bool[] { true }, 1) })
        {
            using var stream = new MemoryStream();
            NpyFile.Write(stream, array);
            seeds.Add(stream.ToArray());
        }
        var report = MutationFuzzer.Run("npy", seeds, 10_000, b => NpyFile.Read(new MemoryStream(b)), e => e is NpyFormatException);
        output.WriteLine(report.ToString());

        // Without a length to check against, a header claiming gigabytes must still not allocate them.
        var unseekable = MutationFuzzer.Run("npy (non-seekable stream)", seeds, 2000, b => NpyFile.Read(new ForwardOnlyStream(b)),
            e => e is NpyFormatException, seed: 2);
        output.WriteLine(unseekable.ToString());
    }

    [Fact]
    public void Package_manifest_and_zip_only_load_or_refuse()
    {
        string folder = new TinyModel(41).WritePackage(Path.Combine(_dir, "p"));
        byte[] manifest = File.ReadAllBytes(Path.Combine(folder, ModelManifest.FileName));
        string zip = new TinyModel(42).WritePackage(Path.Combine(_dir, "z"), zip: true);
        byte[] zipBytes = File.ReadAllBytes(zip);

        // Mutated manifests beside intact graphs: graph files are checked by SHA-256 before ONNX Runtime sees them.
        var manifestReport = MutationFuzzer.Run("package manifest", [manifest, .. MutationFuzzer.Corpus("manifest")], 2000, b =>
        {
            File.WriteAllBytes(Path.Combine(folder, ModelManifest.FileName), b);
            using var _ = ModelPackage.Load(folder, verifyGraphs: false);
        }, e => e is ModelPackageException);
        output.WriteLine(manifestReport.ToString());

        string target = Path.Combine(_dir, "fuzz.zip");
        var zipReport = MutationFuzzer.Run("package zip", [zipBytes], 500, b =>
        {
            File.WriteAllBytes(target, b);
            using var _ = ModelPackage.Load(target, verifyGraphs: false);
        }, e => e is ModelPackageException);
        output.WriteLine(zipReport.ToString());
    }
}
