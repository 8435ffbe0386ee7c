using SoundStorm.Onnx.Text;

namespace SoundStorm.Onnx.Tests.Text;

public sealed class ArpabetPhonesTests
{
    [Fact]
    public void The_inventory_is_align_phones_ids()
    {
        // scripts/corpus/align-phones.py: PHONES = ["SIL"] + "AA AE … ZH".split(); the trained models use these ids.
        Assert.Equal(
            "SIL AA AE AH AO AW AY B CH D DH EH ER EY F G HH IH IY JH K L M N NG OW OY P R S SH T TH UH UW V W Y Z ZH",
            string.Join(' ', ArpabetPhones.Symbols));
        Assert.Equal(40, ArpabetPhones.Count);
        Assert.Equal(0, ArpabetPhones.IdOf(ArpabetPhones.Silence));
        Assert.Equal(ArpabetPhones.SilenceId, ArpabetPhones.IdOf("SIL"));
        Assert.Equal(39, ArpabetPhones.IdOf("ZH"));
        Assert.Equal("AH", ArpabetPhones.SymbolOf(3));
        Assert.True(ArpabetPhones.TryGetId("NG", out int ng));
        Assert.Equal(24, ng);
    }

    [Fact]
    public void Unknown_symbols_and_ids_are_refused()
    {
        Assert.False(ArpabetPhones.TryGetId("AH0", out _)); // stress is not part of the inventory
        var e = Assert.Throws<ArgumentException>(() => ArpabetPhones.IdOf("XX"));
        Assert.Contains("'XX'", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => ArpabetPhones.SymbolOf(40));
        Assert.Throws<ArgumentOutOfRangeException>(() => ArpabetPhones.SymbolOf(-1));
    }
}
