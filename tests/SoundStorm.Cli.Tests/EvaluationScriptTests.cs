using System.Text.Json;

namespace SoundStorm.Cli.Tests;

/// <summary>
/// scripts/eval/sentences.py, the scorer behind the intelligibility figures in MODEL_CARD.md: its grammar drops
/// sentences with out-of-dictionary words, identification is exact-match, and the word error rate is the word-level
/// edit distance (checked against counts worked out by hand). scripts/eval/code-pitch.py's lookup probe against
/// predictions worked out by hand; scripts/eval/code-accuracy.py's random code substitution by its counts; scripts/eval/validation-split.py's
/// split against the trainer's held-out count; scripts/eval/unit-code-lookup.py's count table and back-off by hand;
/// scripts/eval/unit-phones.py's phone information at its two ends (units that follow the phones, units that ignore them).
/// </summary>
public sealed class EvaluationScriptTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string? Python() => ScriptRunner.Python();

    private static string Run(params string[] args) => RunScript("sentences.py", args);

    private static string RunScript(string script, params string[] args) => ScriptRunner.Run("eval/" + script, args);

    // The script exits non-zero and its error output names the problem.
    private static void AssertRefused(string message, string script, params string[] args) =>
        ScriptRunner.AssertRefused(message, "eval/" + script, args);

    [Fact]
    public void Grammar_score_and_word_error_rate_follow_their_definitions()
    {
        if (Python() is null) { Assert.NotEqual("1", Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS")); return; }
        File.WriteAllLines($"{_dir}/dict", ["please P L IY Z", "press P R EH S", "one W AH N", "two T UW", "now N AW", "hold HH OW L D", "star S T AA R"]);
        File.WriteAllLines($"{_dir}/rows.tsv", ["/c/en/a.wav\tPlease press 1 now.", "/c/en/b.wav\tPlease hold.", "/c/en/c.wav\tPress * for zebra."]);
        Run("grammar", $"{_dir}/rows.tsv", $"{_dir}/dict", _dir);
        Assert.Contains("please press one now", File.ReadAllText($"{_dir}/grammar.jsgf"));
        Assert.Contains("zebra", File.ReadAllText($"{_dir}/dropped.tsv")); // "zebra" is not in the dictionary
        Assert.Equal(2, File.ReadAllLines($"{_dir}/refs.tsv").Length);

        File.WriteAllLines($"{_dir}/ctl", ["a", "v__b"]); // a voice-prefixed id maps back to its sentence
        File.WriteAllLines($"{_dir}/hyp", ["please press one now (a -100)", "please (v__b -50)"]);
        using (var score = JsonDocument.Parse(Run("score", $"{_dir}/refs.tsv", $"{_dir}/ctl", $"{_dir}/hyp")))
        {
            Assert.Equal(1, score.RootElement.GetProperty("correct").GetInt32());
            Assert.Equal(2, score.RootElement.GetProperty("total").GetInt32());
        }

        // a: "please press one now" heard as "please dress one two now" → 1 substitution + 1 insertion;
        // b: "please hold" heard as nothing → 2 deletions. 4 errors over 6 reference words.
        File.WriteAllLines($"{_dir}/lm.hyp", ["please dress one two now (a -100)", "(v__b 0)"]);
        using var wer = JsonDocument.Parse(Run("wer", $"{_dir}/refs.tsv", $"{_dir}/ctl", $"{_dir}/lm.hyp"));
        Assert.Equal(6, wer.RootElement.GetProperty("words").GetInt32());
        Assert.Equal(4, wer.RootElement.GetProperty("errors").GetInt32());
        Assert.Equal(66.7, wer.RootElement.GetProperty("wer").GetDouble());
    }

    [Fact]
    public void Code_pitch_probe_predicts_each_codes_smoothed_mean_and_reports_the_correlation()
    {
        if (Python() is null) { Assert.NotEqual("1", Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS")); return; }
        // Codebook 0 separates the training frames (code 1: log F0 1.0, code 2: 2.0); codebook 1 is one code throughout.
        // Training mean 1.5; smoothed table (sum + 2·mean) / (count + 2): code 1 → 4/3, code 2 → 5/3, unseen → 1.5.
        // Voices: "lo" said the 1.0 frame, "hi" the 2.0 one, so the speaker baseline predicts 4/3 for every "lo" frame.
        File.WriteAllLines($"{_dir}/frames.tsv", ["train\tlo\t1.0\t1\t7", "train\thi\t2.0\t2\t7",
            "test\tlo\t1.0\t1\t7", "test\thi\t1.6\t2\t7", "test\tlo\t1.9\t3\t7"]);
        double[] measured = [1.0, 1.6, 1.9];
        double[] predicted = [4.0 / 3, 5.0 / 3, 1.5];
        double[] bySpeaker = [4.0 / 3, 5.0 / 3, 4.0 / 3];
        using var result = JsonDocument.Parse(RunScript("code-pitch.py", "score", $"{_dir}/frames.tsv"));
        var perCodebook = result.RootElement.GetProperty("per_codebook").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(Pearson(predicted, measured), perCodebook[0], 4);
        Assert.Equal(0, perCodebook[1]); // a constant prediction carries nothing
        // The average of both predictions is the first shifted and halved: the same correlation.
        Assert.Equal(Pearson(predicted, measured), result.RootElement.GetProperty("averaged").GetDouble(), 4);
        Assert.Equal(Pearson(bySpeaker, measured), result.RootElement.GetProperty("speaker_baseline").GetDouble(), 4);
        Assert.Equal((2, 3), (result.RootElement.GetProperty("train_frames").GetInt32(), result.RootElement.GetProperty("test_frames").GetInt32()));

        File.WriteAllLines($"{_dir}/train-only.tsv", ["train\tlo\t1.0\t1\t7"]);
        AssertRefused("need voiced frames in both splits (found 1 train, 0 test)", "code-pitch.py", "score", $"{_dir}/train-only.tsv");
    }

    [Fact]
    public void Code_accuracy_substitution_replaces_the_requested_share_with_other_codes_of_the_level()
    {
        if (Python() is null) { Assert.NotEqual("1", Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS")); return; }
        // 4000 frames, 3 levels: level 0 kept whole, level 1 half, level 2 never; each level uses its own 5 codes.
        const int frames = 4000;
        var rng = new Random(3);
        var codes = new long[frames * 3];
        for (int t = 0; t < frames; t++)
            for (int q = 0; q < 3; q++) codes[t * 3 + q] = 10 * q + rng.Next(5);
        NpyFile.Write($"{_dir}/codes.npy", new NpyArray(codes, frames, 3));

        RunScript("code-accuracy.py", "substitute", $"{_dir}/codes.npy", $"{_dir}/out.npy", "1,0.5,0", "7");

        long[] result = NpyFile.Read($"{_dir}/out.npy").ToInt64();
        var equal = new int[3];
        for (int t = 0; t < frames; t++)
            for (int q = 0; q < 3; q++)
            {
                long value = result[t * 3 + q];
                Assert.InRange(value, 10 * q, 10 * q + 4); // a replacement is a code the level uses
                if (value == codes[t * 3 + q]) equal[q]++;
            }
        Assert.Equal(frames, equal[0]);
        Assert.InRange(equal[1], frames / 2 - 200, frames / 2 + 200); // binomial(4000, ½): ±6.3 standard deviations
        Assert.Equal(0, equal[2]); // a replaced code is never the true one

        AssertRefused("give one KEEP per level", "code-accuracy.py", "substitute", $"{_dir}/codes.npy", $"{_dir}/bad.npy", "1,1", "7");
        Assert.False(File.Exists($"{_dir}/bad.npy"));
    }

    [Fact]
    public void Validation_split_puts_exactly_the_chosen_utterances_last_and_prints_the_fraction_that_selects_them()
    {
        if (Python() is null) { Assert.NotEqual("1", Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS")); return; }
        WriteDataset($"{_dir}/train", ("a1", "a"), ("a2", "a"), ("b1", "b"), ("b2", "b"), ("b3", "b"));
        WriteDataset($"{_dir}/test", ("t1", "a"), ("t2", "b"), ("t3", "a"));

        string printed = RunScript("validation-split.py", $"{_dir}/split", $"{_dir}/train", $"{_dir}/test", "a");

        using var json = JsonDocument.Parse(File.ReadAllText($"{_dir}/split/dataset.json"));
        var ids = json.RootElement.GetProperty("utterances").EnumerateArray().Select(u => u.GetProperty("id").GetString()!).ToArray();
        Assert.Equal(["f-a1", "f-a2", "v-t1", "v-t3"], ids);
        Assert.True(File.Exists($"{_dir}/split/v-t3/semantic.npy"), "utterance folders are linked");
        double fraction = double.Parse(printed.Split("--validation-fraction ")[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(2, (int)Math.Ceiling(fraction * ids.Length)); // the trainer's held-out count: the two chosen, no more

        AssertRefused("no utterance of voice 'nobody'", "validation-split.py", $"{_dir}/split2", $"{_dir}/train", $"{_dir}/test", "nobody");
        Assert.False(Directory.Exists($"{_dir}/split2"));
    }

    [Fact]
    public void Unit_code_lookup_picks_the_most_frequent_code_per_unit_context_and_backs_off_to_less_context()
    {
        if (Python() is null) { Assert.NotEqual("1", Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS")); return; }
        // Training: unit 1 is followed by code 6 twice and 7 once (7 only between units 0 and 2).
        WriteTokens($"{_dir}/train", ("u1", "a", [0, 1, 0, 1, 2, 1], [5, 6, 5, 7, 3, 6]));
        WriteTokens($"{_dir}/test", ("t1", "a", [0, 1, 2], [5, 7, 3]), ("t2", "b", [0], [4]));

        string printed = RunScript("unit-code-lookup.py", $"{_dir}/train", $"{_dir}/test", "--voice", "a", "--context", "1", "--levels", "0");

        // ±0: unit 1 → 6 misses the 7; ±1: (0, 1, 2) was seen with 7, and (1, 2, end) backs off to unit 2 → 3.
        Assert.Equal(["level 0 context ±0: 2/3 frames (66.7 %)", "level 0 context ±1: 3/3 frames (100.0 %)"],
            printed.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        // Without --voice the unseen speaker b backs off to the overall most frequent code (5, not its 4).
        Assert.Contains("level 0 context ±0: 2/4 frames (50.0 %)", RunScript("unit-code-lookup.py", $"{_dir}/train", $"{_dir}/test", "--context", "0", "--levels", "0"));

        AssertRefused("level 2 does not exist; the datasets have levels 0..1", "unit-code-lookup.py", $"{_dir}/train", $"{_dir}/test", "--levels", "2");
        AssertRefused("no utterance of voice 'nobody'", "unit-code-lookup.py", $"{_dir}/train", $"{_dir}/test", "--voice", "nobody");
    }

    [Fact]
    public void Unit_phones_gives_full_phone_information_to_units_that_follow_the_phones_and_none_above_chance_to_units_that_do_not()
    {
        if (Python() is null) { Assert.NotEqual("1", Environment.GetEnvironmentVariable("SOUNDSTORM_REQUIRE_TEST_TOOLS")); return; }
        // 400 unit frames (20 ms) over 800 label frames (10 ms): phone AA, then B, alternating every 40 label frames.
        const int frames = 400;
        var segments = string.Join(" ", Enumerable.Range(0, 20).Select(k => $"{40 * k} 0 0 {(k % 2 == 0 ? "AA" : "B")}"));
        File.WriteAllText($"{_dir}/hypseg.txt", $"x S 0 T 0 A 0 L 0 {segments} {2 * frames}\n");
        // Unit frame t is centred on label frame 2t + 1, so its phone changes every 20 unit frames.
        long[] following = Enumerable.Range(0, frames).Select(t => (long)(t / 20 % 2)).ToArray();
        long[] blind = Enumerable.Range(0, frames).Select(t => (long)(t % 2)).ToArray();
        foreach (var (name, units) in new[] { ("following", following), ("blind", blind) })
            WriteTokens($"{_dir}/{name}", ("asterisk-en-x", "asterisk-en", units, new long[frames]), ("other-y", "other", [0, 1], [0, 0]));

        using var follows = JsonDocument.Parse(RunScript("unit-phones.py", $"{_dir}/hypseg.txt", $"{_dir}/following"));
        using var blinds = JsonDocument.Parse(RunScript("unit-phones.py", $"{_dir}/hypseg.txt", $"{_dir}/blind"));

        Assert.Equal(frames, follows.RootElement.GetProperty("speech_frames").GetInt32());
        Assert.Equal(1.0, follows.RootElement.GetProperty("phone_entropy_bits").GetDouble(), 3); // AA and B, 200 frames each
        Assert.Equal(1.0, follows.RootElement.GetProperty("pnmi").GetDouble(), 4);
        Assert.Equal(0.0, blinds.RootElement.GetProperty("pnmi").GetDouble(), 4); // each unit sees AA and B equally often
        foreach (var result in new[] { follows, blinds })
        {
            double chance = result.RootElement.GetProperty("pnmi_chance").GetDouble();
            Assert.InRange(chance, 1e-5, 0.02); // a shuffled 2 × 2 table on 400 frames: about 1 / (2 · 400 · ln 2) bits
            Assert.Equal(result.RootElement.GetProperty("pnmi").GetDouble() - chance, result.RootElement.GetProperty("pnmi_above_chance").GetDouble(), 3);
        }
    }

    // A token dataset with two code levels (level 1 all zero) from units and level-0 codes per utterance.
    internal static void WriteTokens(string folder, params (string Id, string Speaker, long[] Units, long[] Codes)[] utterances)
    {
        foreach (var (id, _, units, codes) in utterances)
        {
            Directory.CreateDirectory($"{folder}/{id}");
            NpyFile.Write($"{folder}/{id}/semantic.npy", new NpyArray(units, units.Length));
            NpyFile.Write($"{folder}/{id}/acoustic.npy", new NpyArray(codes.SelectMany(c => new[] { c, 0L }).ToArray(), codes.Length, 2));
        }
        string entries = string.Join(", ", utterances.Select(u => $"{{\"id\": \"{u.Id}\", \"speaker\": \"{u.Speaker}\", \"frames\": {u.Units.Length}}}"));
        File.WriteAllText($"{folder}/dataset.json",
            $"{{\"formatVersion\": 1, \"codebooks\": 2, \"codebookSize\": 8, \"semanticVocabulary\": 4, \"frameRate\": 50, \"utterances\": [{entries}]}}");
    }

    private static void WriteDataset(string folder, params (string Id, string Speaker)[] utterances)
    {
        foreach (var (id, _) in utterances)
        {
            Directory.CreateDirectory($"{folder}/{id}");
            NpyFile.Write($"{folder}/{id}/semantic.npy", new NpyArray(new long[] { 0, 1 }, 2));
        }
        string entries = string.Join(", ", utterances.Select(u => $"{{\"id\": \"{u.Id}\", \"speaker\": \"{u.Speaker}\", \"frames\": 2}}"));
        File.WriteAllText($"{folder}/dataset.json",
            $"{{\"formatVersion\": 1, \"codebooks\": 2, \"codebookSize\": 8, \"semanticVocabulary\": 4, \"frameRate\": 50, \"utterances\": [{entries}]}}");
    }

    private static double Pearson(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average();
        double sxy = x.Zip(y).Sum(p => (p.First - mx) * (p.Second - my));
        return sxy / Math.Sqrt(x.Sum(v => (v - mx) * (v - mx)) * y.Sum(v => (v - my) * (v - my)));
    }
}
