using SoundStorm.Tests.Shared;
using VoiceResynthesis;

namespace SoundStorm.Samples.Tests;

/// <summary>The console sample, run in-process as a user runs it: real LibriVox speech in, a WAV file out.</summary>
public sealed class VoiceResynthesisTests(FullPackageFixture fixture) : IClassFixture<FullPackageFixture>, IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("soundstorm-sample-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [ReferenceFact]
    public async Task Writes_a_wav_of_the_source_length_and_reports_every_step()
    {
        if (RecordedSpeech.Find("0890") is not { } source || RecordedSpeech.Find("0920") is not { } prompt) return;
        string output = Path.Combine(_dir, "out.wav");
        var (code, stdout, stderr) = await Run([source, prompt, output, fixture.PackageFolder]);

        Assert.True(code == 0, stderr);
        var written = AudioClip.ReadWav(output);
        int samples = AudioClip.ReadWav(source).FrameCount;
        Assert.Equal(((samples - 400) / 320 + 1) * 320, written.FrameCount); // one 320-sample frame per HuBERT frame
        Assert.Equal(16000, written.SampleRate);
        byte[] header = File.ReadAllBytes(output)[..36];
        Assert.Equal((1, 16), (header[20] | header[21] << 8, header[34] | header[35] << 8)); // format tag PCM, 16 bits per sample
        Assert.Equal(0.99, written.ToMono().Max(Math.Abs), 3); // peak-normalised, as the pipeline does

        // Default sampling: 16 iterations on level 0 and one on each of the 3 finer levels, reported in order.
        string[] steps = stdout.Split('\n').Where(l => l.StartsWith("step ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(Enumerable.Range(1, 19).Select(i => $"step {i}/19"), steps.Select(l => l[..l.IndexOf(':')]));
        Assert.Contains($"wrote {output}", stdout.Split('\n').Last(l => l.Length > 0));
    }

    [ReferenceFact]
    public async Task Package_from_the_environment_variable_is_used_when_no_argument_names_one()
    {
        if (RecordedSpeech.Find("0870") is not { } source || RecordedSpeech.Find("0880") is not { } prompt) return;
        string output = Path.Combine(_dir, "env.wav");
        var (code, _, stderr) = await Run([source, prompt, output], defaultPackage: fixture.PackageFolder);
        Assert.True(code == 0, stderr);
        Assert.True(File.Exists(output));
    }

    [ReferenceFact]
    public async Task Main_uses_the_checkouts_default_model_when_no_package_is_named()
    {
        Assert.Null(Environment.GetEnvironmentVariable("SOUNDSTORM_MODEL")); // otherwise that package would be used
        string audio = Path.Combine(RepositoryRoot(), "samples", "audio"), output = Path.Combine(_dir, "default.wav");
        int code = await Program.Main([Path.Combine(audio, "allison-en-new-extension.wav"), Path.Combine(audio, "carlo-it-prompt.wav"), output]);
        Assert.Equal(0, code);
        Assert.Equal(16000, AudioClip.ReadWav(output).SampleRate);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "SoundStorm.Onnx.sln"))) return dir.FullName;
        throw new InvalidOperationException("tests run outside the repository");
    }

    [ReferenceFact]
    public async Task Missing_package_is_exit_code_2_with_a_message()
    {
        var (code, _, stderr) = await Run(["a.wav", "b.wav", Path.Combine(_dir, "x.wav")], defaultPackage: null);
        Assert.Equal(2, code);
        Assert.Contains("no model package", stderr);
        Assert.Contains("SOUNDSTORM_MODEL", stderr);
    }

    [ReferenceFact]
    public async Task Unreadable_inputs_are_exit_code_2_naming_the_file()
    {
        string notWav = Path.Combine(_dir, "notes.wav");
        await File.WriteAllTextAsync(notWav, "these are not samples");
        string output = Path.Combine(_dir, "never.wav");

        var (code, _, stderr) = await Run([notWav, notWav, output, fixture.PackageFolder]);
        Assert.Equal(2, code);
        Assert.Contains(notWav, stderr);
        Assert.Contains("RIFF", stderr);

        (code, _, stderr) = await Run([Path.Combine(_dir, "absent.wav"), notWav, output, fixture.PackageFolder]);
        Assert.Equal(2, code);
        Assert.Contains("the source WAV", stderr);

        string tone = Path.Combine(_dir, "tone.wav");
        new AudioClip(Enumerable.Range(0, 16000).Select(i => 0.3f * MathF.Sin(i * 0.1f)).ToArray(), 16000).WriteWav(tone);
        (code, _, stderr) = await Run([tone, tone, output, Path.Combine(_dir, "no-package")]);
        Assert.Equal(2, code);
        Assert.Contains("no-package", stderr);
        Assert.False(File.Exists(output));
    }

    [ReferenceFact]
    public async Task A_truncated_wav_gets_a_warning_line()
    {
        // The header announces 52640 frames (3.29 s); the file holds 24960 (1.56 s). The missing package stops the run
        // after both WAVs are read, so the test needs no generation.
        var whole = new MemoryStream();
        new AudioClip(new float[24960], 16000).WriteWav(whole);
        byte[] bytes = whole.ToArray();
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), 52640 * 2);
        string cut = Path.Combine(_dir, "cut.wav");
        await File.WriteAllBytesAsync(cut, bytes);

        var (code, _, stderr) = await Run([cut, cut, Path.Combine(_dir, "never.wav"), Path.Combine(_dir, "no-package")]);
        Assert.Equal(2, code);
        string warning = $"warning: {cut}: the data chunk declares 52640 frames (3.29 s) but the file holds 24960 (1.56 s); reading the 1.56 s present.";
        Assert.Equal([warning, warning], stderr.Split(Environment.NewLine).Where(l => l.StartsWith("warning:", StringComparison.Ordinal)));
    }

    [ReferenceFact]
    public async Task Wrong_argument_count_prints_the_usage()
    {
        var (code, _, stderr) = await Run(["only-one.wav"]);
        Assert.Equal(2, code);
        Assert.StartsWith("usage: VoiceResynthesis SOURCE.wav PROMPT.wav OUT.wav", stderr);
    }

    private static async Task<(int Code, string Stdout, string Stderr)> Run(string[] args, string? defaultPackage = null)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        int code = await ResynthesisCommand.RunAsync(args, defaultPackage, stdout, stderr, timeout.Token);
        return (code, stdout.ToString(), stderr.ToString());
    }
}
