using SoundStorm.Onnx.Generation.Diffusion;
using SoundStorm.Onnx.Generation.Sampling;

namespace SoundStorm.Onnx.Tests.Generation.Diffusion;

/// <summary>The parallel redraw gives the same tokens, and leaves the random stream in the same state, whatever the thread count.</summary>
public sealed class PositionRedrawTests
{
    [Theory]
    [InlineData(0, 1027)] // a step t ≥ 1: every class, the mask included
    [InlineData(37, 1027)]
    [InlineData(0, 1024)] // the last step: the real codes only
    public void Tokens_do_not_depend_on_the_thread_count(int t, int allowed)
    {
        const int q = 4, v = 1024, classes = v + 2, prompt = 7, generated = 150; // 600 positions: three blocks
        var vocab = new TokenVocabulary(q, v, 50, classes);
        var random = new Random(t + allowed);
        var request = new GenerationRequest([.. Enumerable.Range(0, generated).Select(_ => (long)random.Next(50))],
            new CodeGrid(prompt, q), [.. Enumerable.Range(0, prompt).Select(_ => (long)random.Next(50))]);
        var layout = BatchLayout.Create([request], vocab);
        var logits = new float[layout.Frames * q * classes];
        for (int i = 0; i < logits.Length; i++) logits[i] = (float)(random.NextDouble() * 6 - 3);
        var initial = new long[layout.Frames * q];
        for (int i = 0; i < initial.Length; i++) initial[i] = random.Next(4) == 0 ? classes : random.Next(classes);
        var schedule = new DiffusionSchedule(classes: classes + 1);

        (long[] Tokens, ulong Next) Redraw(int threads)
        {
            var tokens = (long[])initial.Clone();
            var rng = new Xoshiro256StarStar(11);
            new PositionRedraw(classes, threads).Run(layout, 0, t, allowed, schedule, 0.85f, tokens, logits, ref rng);
            return (tokens, rng.NextUInt64());
        }

        var one = Redraw(1);
        var three = Redraw(3);
        Assert.Equal(one.Tokens, three.Tokens);
        Assert.Equal(one.Next, three.Next);
        Assert.Equal(initial[..(prompt * q)], one.Tokens[..(prompt * q)]); // the prompt is not touched
        Assert.NotEqual(initial, one.Tokens);
        Assert.All(one.Tokens[(prompt * q)..], token => Assert.InRange(token, 0, allowed - 1));
    }
}
