using Cluster;

namespace SoundStorm.Cluster.Tests;

/// <summary>The parts of the sample that need no cluster: admission limits, atomic outputs, seeds, the token wire form.</summary>
public sealed class ClientPartsTests : IDisposable
{
    private readonly TempFolder _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Admission_runs_the_slots_queues_the_limit_and_refuses_the_rest_by_type()
    {
        using var admission = new WorkAdmission("127.0.0.1:11111", running: 2, queueLimit: 1);
        var a = await admission.EnterAsync();
        var b = await admission.EnterAsync();
        var waiting = admission.EnterAsync();
        Assert.False(waiting.IsCompleted);
        var e = await Assert.ThrowsAsync<SiloBusyException>(() => admission.EnterAsync());
        Assert.Equal("silo 127.0.0.1:11111 is busy: its 2 running slot(s) are taken and its queue of 1 is full; send the call to another silo.", e.Message);
        Assert.Equal((3, 1L), (admission.Admitted, admission.Refused));

        a.Dispose();
        a.Dispose(); // a second release of the same slot changes nothing
        using (await waiting) Assert.Equal(2, admission.Admitted);
        b.Dispose();
        Assert.Equal(0, admission.Admitted);
    }

    [Fact]
    public void Outputs_appear_complete_or_not_at_all_and_existing_ones_are_kept()
    {
        string output = _dir.Sub("out");
        Directory.CreateDirectory(output);
        File.WriteAllText(Path.Combine(output, ".partial-0123-a.wav"), "left by a killed run");
        var folder = new OutputFolder(output);
        Assert.Empty(Directory.GetFiles(output)); // the stale temporary file is gone

        var clip = new AudioClip(new float[3200], 16000);
        Assert.True(folder.Write("/in/a.wav", clip));
        Assert.True(folder.HasOutputOf("/elsewhere/a.wav"));
        Assert.Equal(3200, AudioClip.ReadWav(Path.Combine(output, "a.wav"), requireComplete: true).FrameCount);

        // A second write of the same output (another run got there first) keeps the first file and leaves no temporary.
        Assert.False(folder.Write("/in/a.wav", new AudioClip(new float[320], 16000)));
        Assert.Equal(3200, AudioClip.ReadWav(Path.Combine(output, "a.wav")).FrameCount);
        Assert.Equal(["a.wav"], Directory.GetFiles(output).Select(Path.GetFileName));
    }

    [Fact]
    public void File_seeds_depend_on_the_run_seed_and_the_name_only()
    {
        Assert.Equal(FileSeeds.For(42, "clip01.wav"), FileSeeds.For(42, "clip01.wav"));
        Assert.NotEqual(FileSeeds.For(42, "clip01.wav"), FileSeeds.For(42, "clip02.wav"));
        Assert.NotEqual(FileSeeds.For(42, "clip01.wav"), FileSeeds.For(43, "clip01.wav"));
        Assert.Equal(0xcbf29ce484222325UL, FileSeeds.For(0, "")); // FNV-1a's offset basis: the published constant
    }

    [Fact]
    public void Token_requests_survive_the_wire_form_and_bad_prompts_are_named()
    {
        var prompt = new CodeGrid([1, 2, 3, 4, 5, 6, 7, 8], 4);
        var request = new GenerationRequest([9, 8, 7], prompt, [1, 2], seed: 5);
        var back = TokenRequests.ToGenerationRequest(TokenRequests.FromGenerationRequest(request));
        Assert.Equal(request.Semantic, back.Semantic);
        Assert.Equal(request.PromptSemantic, back.PromptSemantic);
        Assert.Equal(prompt, back.PromptAcoustic);
        Assert.Equal(5UL, back.Seed);

        var ragged = new TokenRequest { Semantic = [1], PromptAcoustic = [1, 2, 3], Codebooks = 2, PromptSemantic = [1] };
        Assert.Contains("PromptAcoustic holds 3 tokens, which is not a whole number of frames of Codebooks = 2",
            Assert.Throws<ArgumentException>(() => TokenRequests.ToGenerationRequest(ragged)).Message);
        var mismatched = new TokenRequest { Semantic = [1], PromptAcoustic = [1, 2, 3, 4], Codebooks = 2, PromptSemantic = [1] };
        Assert.Contains("PromptSemantic has 1 tokens but PromptAcoustic has 2 frames",
            Assert.Throws<ArgumentException>(() => TokenRequests.ToGenerationRequest(mismatched)).Message);
    }
}
