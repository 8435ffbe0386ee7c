using SoundStorm.Export.Onnx;

namespace SoundStorm.Cli.Tests;

/// <summary>
/// The tool's contract for bad input: exactly one line on stderr, starting <c>error:</c>, and exit code 2 — for parse
/// errors, bad files, too-short audio and errors from ONNX Runtime alike. Runs on the shipped default model.
/// </summary>
[Collection("console")]
public sealed class ErrorContractTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static void AssertOneError(string expected, (int Code, string Out, string Error) run)
    {
        Assert.Equal($"error: {expected}{Environment.NewLine}", run.Error);
        Assert.Equal(2, run.Code);
    }

    private string Wav(string name, int samples)
    {
        string path = Path.Combine(_dir, name);
        new AudioClip(Enumerable.Range(0, samples).Select(i => 0.1f * MathF.Sin(i * 0.05f)).ToArray(), 16000).WriteWav(path);
        return path;
    }

    [Fact]
    public void A_missing_required_option_is_one_error_line_and_no_help()
    {
        var run = CliRunner.Run("decode", "--codes", "a.npy");
        AssertOneError("Option '--out' is required. (see 'soundstorm decode --help')", run);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void An_unknown_verb_is_one_error_line_and_no_help()
    {
        var run = CliRunner.Run("frobnicate");
        AssertOneError("Required command was not provided. Unrecognized command or argument 'frobnicate'. (see 'soundstorm --help')", run);
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void An_unknown_option_of_a_nested_verb_names_that_verb()
    {
        var run = CliRunner.Run("import", "hificodec", "--checkpoint", "c", "--config", "j", "--out", "o", "--bogus");
        AssertOneError("Unrecognized command or argument '--bogus'. (see 'soundstorm import hificodec --help')", run);
    }

    [Fact]
    public void Float_token_files_are_refused_by_decode_and_generate()
    {
        NpyFile.Write($"{_dir}/codes.npy", new NpyArray(new float[] { 0.5f, 1, 2, 3 }, 1, 4));
        NpyFile.Write($"{_dir}/semantic.npy", new NpyArray(new float[] { 0.5f, 1, 2 }, 3));
        AssertOneError("--codes 'codes.npy': expected integer token ids, found Float32 elements.",
            CliRunner.Run("decode", "--codes", $"{_dir}/codes.npy", "--out", $"{_dir}/o.wav"));
        AssertOneError("--semantic 'semantic.npy': expected integer token ids, found Float32 elements.",
            CliRunner.Run("generate", "--semantic", $"{_dir}/semantic.npy", "--out", $"{_dir}/o.npy"));
        NpyFile.Write($"{_dir}/ints.npy", new NpyArray(new long[] { 1, 2, 3 }, 3));
        AssertOneError("--prompt-acoustic 'codes.npy': expected integer token ids, found Float32 elements.",
            CliRunner.Run("generate", "--semantic", $"{_dir}/ints.npy", "--prompt-acoustic", $"{_dir}/codes.npy", "--out", $"{_dir}/o.npy"));
        Assert.False(File.Exists($"{_dir}/o.wav") || File.Exists($"{_dir}/o.npy"));
    }

    [ReferenceFact]
    public void An_empty_codec_config_is_one_error_line()
    {
        string checkpoint = Paths.Reference("hificodec", "g_00000000.pth");
        AssertOneError("/dev/null: not valid json (The input does not contain any JSON tokens. Expected the input to start with a valid JSON token, when isFinalBlock is true. LineNumber: 0 | BytePositionInLine: 0.).",
            CliRunner.Run("import", "hificodec", "--checkpoint", checkpoint, "--config", "/dev/null", "--out", $"{_dir}/codec"));
        Assert.False(Directory.Exists($"{_dir}/codec"));
    }

    [Fact]
    public void A_failed_roundtrip_of_one_file_is_one_error_line()
    {
        string input = Wav("short.wav", 100);
        AssertOneError($"--input '{input}' is too short (0.006 s): the model needs at least one codec frame.",
            CliRunner.Run("roundtrip", "--input", input, "--out", $"{_dir}/o.wav"));
        Assert.False(File.Exists($"{_dir}/o.wav"));
    }

    [Fact]
    public void Too_short_audio_names_the_source_or_the_prompt()
    {
        string speech = Wav("speech.wav", 16000), tiny = Wav("tiny.wav", 300);
        AssertOneError($"--prompt '{tiny}' is too short (0.019 s): the model needs at least one semantic token frame.",
            CliRunner.Run("resynthesize", "--source", speech, "--prompt", tiny, "--out", $"{_dir}/o.wav"));
        AssertOneError($"--source '{tiny}' is too short (0.019 s): the model needs at least one semantic token frame.",
            CliRunner.Run("resynthesize", "--source", tiny, "--prompt", speech, "--out", $"{_dir}/o.wav"));
        AssertOneError($"--input '{tiny}' is too short (0.019 s): the model needs at least one semantic token frame.",
            CliRunner.Run("tokenize", "--input", tiny, "--out", $"{_dir}/t.npy"));
        Assert.False(File.Exists($"{_dir}/o.wav") || File.Exists($"{_dir}/t.npy"));
    }

    [Fact]
    public void Library_argument_errors_do_not_end_with_the_parameter_name()
    {
        NpyFile.Write($"{_dir}/codes.npy", new NpyArray(new long[] { 1, 2, 3, 4, 5, 6 }, 3, 2)); // the default codec has 4 codebooks
        AssertOneError("Codes must be [frames, 4]; found [3, 2].", CliRunner.Run("decode", "--codes", $"{_dir}/codes.npy", "--out", $"{_dir}/o.wav"));
    }

    [Fact]
    public void Output_into_a_missing_folder_names_the_output_not_a_temporary_file()
    {
        string speech = Wav("speech.wav", 16000), output = Path.Combine(_dir, "missing", "o.wav");
        AssertOneError($"--out '{output}': the folder '{Path.Combine(_dir, "missing")}' does not exist.",
            CliRunner.Run("resynthesize", "--source", speech, "--out", output));
        NpyFile.Write($"{_dir}/codes.npy", new NpyArray(new long[] { 1, 2, 3, 4 }, 1, 4));
        AssertOneError($"--out '{output}': the folder '{Path.Combine(_dir, "missing")}' does not exist.",
            CliRunner.Run("decode", "--codes", $"{_dir}/codes.npy", "--out", output));
    }

    [Fact]
    public void A_folder_given_as_audio_is_called_a_folder()
    {
        AssertOneError($"--source '{_dir}' is a folder, not a file.", CliRunner.Run("resynthesize", "--source", _dir, "--out", $"{_dir}/o.wav"));
        AssertOneError($"--source '{Path.Combine(_dir, "none.wav")}' does not exist.",
            CliRunner.Run("resynthesize", "--source", Path.Combine(_dir, "none.wav"), "--out", $"{_dir}/o.wav"));
    }

    [Fact]
    public void An_onnx_runtime_failure_is_one_error_line_without_its_own_log_line()
    {
        // y = table[level]: an index outside the table fails inside ONNX Runtime, which also logs the failure natively.
        var g = new OnnxGraphBuilder("lookup");
        var level = g.Input("level", ElementType.Int64, 1);
        g.Output(g.Gather(g.Initializer("table", TensorData.FromFloat(new[] { 2f, -3f }, 2)), level), "y", ElementType.Float, 1);
        g.Build().Save($"{_dir}/lookup.onnx");
        NpyFile.Write($"{_dir}/level.npy", new NpyArray(new long[] { 7 }, 1));
        using var process = new CliProcess("run-graph", "--graph", $"{_dir}/lookup.onnx", "--in", $"level={_dir}/level.npy", "--out-dir", $"{_dir}/out");
        int? code = process.WaitForExit(TimeSpan.FromSeconds(60));
        Assert.Equal(2, code);
        string[] lines = process.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error: [ErrorCode:InvalidArgument] Non-zero status code returned while running Gather node.", lines[0]);
    }
}
