using SoundStorm.Onnx.Text;

namespace SoundStorm.Onnx.Tests.Text;

public sealed class LetterToSoundModelTests(ITestOutputHelper output)
{
    [CmudictFact]
    public void Held_out_dictionary_words_are_guessed_within_the_measured_error()
    {
        // 2,000 words drawn (seed 21) from cmudict-en-us.dict's plain words are held out; the model learns from the rest.
        // Measured: phone error rate 9.44 % (edit distance over reference phones), 58.1 % of words exactly right.
        var words = Cmudict.Lexicon.FirstPronunciations().Where(p => LetterCodes.IsEncodable(p.Key))
            .OrderBy(p => p.Key, StringComparer.Ordinal).ToArray();
        var rng = new Random(21);
        var heldOut = new HashSet<int>();
        while (heldOut.Count < 2000)
        {
            heldOut.Add(rng.Next(words.Length));
        }
        var model = LetterToSoundModel.Train(words.Where((_, i) => !heldOut.Contains(i)));

        long errors = 0, phones = 0;
        int right = 0;
        foreach (int i in heldOut)
        {
            var (word, reference) = words[i];
            int distance = EditDistance(model.Predict(word), reference);
            errors += distance;
            phones += reference.Length;
            right += distance == 0 ? 1 : 0;
        }
        double per = (double)errors / phones, accuracy = right / 2000.0;
        output.WriteLine($"phone error rate {per:P2}, word accuracy {accuracy:P2}, {model.ContextCount} contexts");
        Assert.InRange(per, 0, 0.105);
        Assert.InRange(accuracy, 0.55, 1);
    }

    [Fact]
    public void Training_words_come_back_and_new_ones_follow_their_letters()
    {
        var words = new Dictionary<string, string>
        {
            ["cat"] = "K AE T", ["cap"] = "K AE P", ["tap"] = "T AE P", ["tip"] = "T IH P", ["pit"] = "P IH T",
            ["box"] = "B AA K S", ["ship"] = "SH IH P", ["shop"] = "SH AA P", ["bat"] = "B AE T", ["lit"] = "L IH T",
        };
        var model = LetterToSoundModel.Train(words.Select(w => KeyValuePair.Create(w.Key, Ids(w.Value))));
        foreach (var (word, phones) in words)
        {
            Assert.Equal(phones, Symbols(model.Predict(word)));
        }
        Assert.Equal("SH AE T", Symbols(model.Predict("shat"))); // "sh" is one sound, learnt from ship and shop
        Assert.Equal("B AA K S", Symbols(model.Predict("box'"))); // a character never seen in training says nothing
        Assert.Equal("", Symbols(model.Predict("")));
    }

    private static byte[] Ids(string phones) => phones.Split(' ').Select(p => (byte)ArpabetPhones.IdOf(p)).ToArray();

    private static string Symbols(byte[] ids) => string.Join(' ', ids.Select(id => ArpabetPhones.SymbolOf(id)));

    private static int EditDistance(byte[] a, byte[] b)
    {
        var row = Enumerable.Range(0, b.Length + 1).ToArray();
        for (int i = 1; i <= a.Length; i++)
        {
            int diagonal = row[0];
            row[0] = i;
            for (int j = 1; j <= b.Length; j++)
            {
                int above = row[j];
                row[j] = Math.Min(Math.Min(row[j] + 1, row[j - 1] + 1), diagonal + (a[i - 1] == b[j - 1] ? 0 : 1));
                diagonal = above;
            }
        }
        return row[b.Length];
    }
}
