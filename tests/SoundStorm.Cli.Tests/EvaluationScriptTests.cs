using System.Diagnostics;
using System.Text.Json;

namespace SoundStorm.Cli.Tests;

/// <summary>
/// scripts/eval/sentences.py, the scorer behind the intelligibility figures in MODEL_CARD.md: its grammar drops
/// sentences with out-of-dictionary words, identification is exact-match, and the word error rate is the word-level
/// edit distance (checked against counts worked out by hand).
/// </summary>
public sealed class EvaluationScriptTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static string Script()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, "scripts", "eval", "sentences.py");
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException("scripts/eval/sentences.py not found above the test folder");
    }

    private static string? Python() => File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : null;

    private string Run(params string[] args)
    {
        var start = new ProcessStartInfo(Python()!) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Script());
        foreach (string a in args) start.ArgumentList.Add(a);
        using var process = Process.Start(start)!;
        string output = process.StandardOutput.ReadToEnd();
        string error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, error);
        return output;
    }

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
}
