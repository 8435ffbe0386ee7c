using System.IO.Compression;
using System.Text;
using SoundStorm.Onnx.Text;

namespace SoundStorm.Onnx.Tests.Text;

public sealed class PronunciationLexiconTests
{
    private const string Sample = """
        ;; a comment line
        a AH
        a(2) EY
        READ R IY1 D
        read(2) R EH1 D
        tomato T AH0 M EY1 T OW2
        bogus X Y1 Z
        lonely
        o'clock AH K L AA K
        """;

    private static PronunciationLexicon FromText(string text) => PronunciationLexicon.Load(new MemoryStream(Encoding.UTF8.GetBytes(text)));

    private static byte[] Gzip(byte[] data)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(data);
        }
        return output.ToArray();
    }

    [Fact]
    public void Lines_are_read_as_align_phones_reads_them()
    {
        var lexicon = FromText(Sample);
        // Alternatives join their word, stress goes, case folds, a line with an unknown phone or none is left out.
        Assert.Equal(["a", "o'clock", "read", "tomato"], lexicon.Words.Order(StringComparer.Ordinal));
        Assert.Equal(4, lexicon.Count);
        Assert.True(lexicon.TryGetPronunciation("Read", out var read));
        Assert.Equal(["R", "IY", "D"], read);
        Assert.Equal([["R", "IY", "D"], ["R", "EH", "D"]], lexicon.GetPronunciations("read"));
        Assert.Equal(["T", "AH", "M", "EY", "T", "OW"], lexicon.GetPronunciations("tomato")[0]);
        Assert.True(lexicon.Contains("O'CLOCK"));
        Assert.False(lexicon.Contains("bogus"));
        Assert.False(lexicon.TryGetPronunciation("lonely", out var none));
        Assert.Empty(none);
        Assert.Empty(lexicon.GetPronunciations("missing"));
    }

    [Fact]
    public void A_gzip_stream_reads_like_the_plain_one()
    {
        var plain = FromText(Sample);
        var packed = PronunciationLexicon.Load(new MemoryStream(Gzip(Encoding.UTF8.GetBytes(Sample))));
        Assert.Equal(plain.Words.Order(StringComparer.Ordinal), packed.Words.Order(StringComparer.Ordinal));
        foreach (var word in plain.Words)
        {
            Assert.Equal(plain.GetPronunciations(word), packed.GetPronunciations(word));
        }
    }

    [Fact]
    public void Files_load_by_path_plain_or_gzip()
    {
        string dir = TestPaths.NewTempDirectory();
        try
        {
            string plain = Path.Combine(dir, "small.dict"), packed = Path.Combine(dir, "small.dict.gz");
            File.WriteAllText(plain, Sample);
            File.WriteAllBytes(packed, Gzip(Encoding.UTF8.GetBytes(Sample)));
            Assert.Equal(4, PronunciationLexicon.Load(plain).Count);
            Assert.Equal(4, PronunciationLexicon.Load(packed).Count);
            var e = Assert.Throws<FileNotFoundException>(() => PronunciationLexicon.Load(Path.Combine(dir, "none.dict")));
            Assert.Contains("none.dict", e.Message);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void Merge_keeps_the_first_lexicons_pronunciation_first()
    {
        var merged = FromText("read R IY D\n").Merge(FromText("read R EH D\nwaldo's W AO L D OW Z\n"));
        Assert.Equal([["R", "IY", "D"], ["R", "EH", "D"]], merged.GetPronunciations("read"));
        Assert.True(merged.TryGetPronunciation("waldo's", out var waldos));
        Assert.Equal("W AO L D OW Z", string.Join(' ', waldos));
    }

    [Theory]
    [InlineData("")]
    [InlineData(";; only a comment\n\n")]
    [InlineData("word XX YY\n")]
    public void A_stream_without_pronunciations_is_refused(string text)
    {
        var e = Assert.Throws<InvalidDataException>(() => FromText(text));
        Assert.Contains("no pronunciations", e.Message);
    }

    [Theory]
    [InlineData("flip")]
    [InlineData("cut")]
    [InlineData("trailer")]
    public void Damaged_or_truncated_gzip_is_refused(string damage)
    {
        byte[] packed = Gzip(Encoding.UTF8.GetBytes(Sample));
        switch (damage)
        {
            case "flip": packed[packed.Length / 2] ^= 0x55; break;
            case "cut": Array.Resize(ref packed, packed.Length - 12); break; // inside the data: GZipStream stops quietly
            default: packed[^8] ^= 0x01; break; // the data is intact, its recorded CRC-32 is not
        }
        var e = Assert.Throws<InvalidDataException>(() => PronunciationLexicon.Load(new MemoryStream(packed)));
        Assert.Contains("gzip", e.Message);
    }

    [Fact]
    public void Dictionaries_larger_than_the_limit_are_refused_plain_or_as_a_gzip_bomb()
    {
        // The limit is lowered to 1 MiB here; the public one (64 MiB) works the same way.
        const long limit = 1 << 20;
        byte[] spaces = new byte[limit + 1];
        Array.Fill(spaces, (byte)' ');
        byte[] bomb = Gzip(spaces); // about 1 KiB that inflates past the limit
        Assert.True(bomb.Length < 16 * 1024);
        var e = Assert.Throws<InvalidDataException>(() => PronunciationLexicon.Load(new MemoryStream(bomb), limit));
        Assert.Contains("decompressed dictionary is larger than PronunciationLexicon.MaxDictionaryBytes (1048576 bytes)", e.Message);
        e = Assert.Throws<InvalidDataException>(() => PronunciationLexicon.Load(new MemoryStream(spaces), limit));
        Assert.Contains("file is larger than", e.Message);
        Assert.Equal(64L << 20, PronunciationLexicon.MaxDictionaryBytes);
    }

    [Fact]
    public void Null_arguments_are_refused()
    {
        Assert.Throws<ArgumentNullException>(() => PronunciationLexicon.Load((Stream)null!));
        Assert.ThrowsAny<ArgumentException>(() => PronunciationLexicon.Load((string)null!));
        Assert.Throws<ArgumentNullException>(() => FromText(Sample).Merge(null!));
    }

    [CmudictFact]
    public void Cmudict_en_us_loads_with_its_alternatives()
    {
        var lexicon = Cmudict.Lexicon;
        Assert.InRange(lexicon.Count, 120_000, 140_000);
        Assert.Equal("AH", string.Join(' ', lexicon.GetPronunciations("a")[0]));
        Assert.Equal("EY", string.Join(' ', lexicon.GetPronunciations("a")[1]));
        Assert.Equal("AH K L AA K", string.Join(' ', lexicon.GetPronunciations("o'clock")[0]));
    }
}
