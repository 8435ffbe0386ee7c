namespace SoundStorm.Onnx.Tests.Text;

public sealed class EnglishNormalizerTests
{
    [Theory]
    [InlineData("I have 12 apples.", "i have twelve apples")]
    [InlineData("0", "zero")]
    [InlineData("115", "one hundred fifteen")]
    [InlineData("12,500", "twelve thousand five hundred")]
    [InlineData("1,234,567", "one million two hundred thirty four thousand five hundred sixty seven")]
    [InlineData("1000001", "one million one")]
    [InlineData("3,000,000,000", "three billion")]
    [InlineData("-42", "minus forty two")]
    [InlineData("+7", "plus seven")]
    [InlineData("3.14", "three point one four")]
    [InlineData("0.5", "zero point five")]
    [InlineData("007", "zero zero seven")]
    [InlineData("12345678901234567890", "one two three four five six seven eight nine zero one two three four five six seven eight nine zero")]
    [InlineData("1,2,3", "one | two | three")]
    public void Cardinals_and_decimals(string text, string expected) => Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("1st 2nd 3rd 4th", "first second third fourth")]
    [InlineData("21st 12th 100th", "twenty first twelfth one hundredth")]
    [InlineData("the 90th and 1,000th", "the ninetieth and one thousandth")]
    public void Ordinals(string text, string expected) => Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("in 1999", "in nineteen ninety nine")]
    [InlineData("in 2024", "in twenty twenty four")]
    [InlineData("in 2005", "in two thousand five")]
    [InlineData("in 2000", "in two thousand")]
    [InlineData("in 1905", "in nineteen oh five")]
    [InlineData("in 1900", "in nineteen hundred")]
    [InlineData("in 1066", "in ten sixty six")]
    [InlineData("the 1990s", "the nineteen nineties")]
    [InlineData("1990–2000", "nineteen ninety to two thousand")]
    [InlineData("2,024", "two thousand twenty four")] // grouped digits are a quantity, not a year
    [InlineData("3000", "three thousand")]
    public void Years(string text, string expected) => Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("$12.50", "twelve dollars fifty cents")]
    [InlineData("$1", "one dollar")]
    [InlineData("$0.99", "ninety nine cents")]
    [InlineData("$1.01", "one dollar one cent")]
    [InlineData("$2.5", "two dollars fifty cents")]
    [InlineData("$1,000,000", "one million dollars")]
    [InlineData("$1.5 million", "one point five million dollars")]
    [InlineData("-$5", "minus five dollars")]
    [InlineData("£3.01", "three pounds one penny")]
    [InlineData("£20.40", "twenty pounds forty pence")]
    [InlineData("€2,500", "two thousand five hundred euros")]
    [InlineData("¥500", "five hundred yen")]
    public void Currency(string text, string expected) => Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("50%", "fifty percent")]
    [InlineData("3.5 %", "three point five percent")]
    [InlineData("-2%", "minus two percent")]
    public void Percentages(string text, string expected) => Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("3:30", "three thirty")]
    [InlineData("10:05 pm", "ten oh five p. m.")]
    [InlineData("10:05 P.M.", "ten oh five p. m.")]
    [InlineData("3:00", "three o'clock")]
    [InlineData("7am", "seven a. m.")]
    [InlineData("12:45", "twelve forty five")]
    [InlineData("14:00", "fourteen hundred")]
    [InlineData("ratio 3:1", "ratio three | one")]
    public void Times(string text, string expected) => Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("call 555-1234", "call five five five | one two three four")]
    [InlineData("call 555-123-4567 now", "call five five five | one two three | four five six seven now")]
    [InlineData("(555) 123-4567", "five five five | one two three | four five six seven")]
    [InlineData("+1 555.123.4567", "one | five five five | one two three | four five six seven")]
    public void Phone_numbers_are_read_digit_by_digit_in_groups(string text, string expected) =>
        Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("Mr. Smith", "mister smith")]
    [InlineData("Mrs. Jones and Ms. Lee", "missus jones and ms lee")]
    [InlineData("Dr. Who", "doctor who")]
    [InlineData("the dr. said", "the doctor said")]
    [InlineData("Elm Dr. is closed", "elm drive is closed")]
    [InlineData("St. Louis", "saint louis")]
    [InlineData("Baker St. is long", "baker street is long")]
    [InlineData("cats vs. dogs", "cats versus dogs")]
    [InlineData("cats vs dogs", "cats versus dogs")]
    [InlineData("apples, pears, etc.", "apples | pears | et cetera")]
    [InlineData("apples etc. Then more", "apples et cetera | then more")]
    [InlineData("fruit, e.g. apples", "fruit | for example apples")]
    [InlineData("one thing, i.e. this", "one thing | that is this")]
    [InlineData("No. 5", "number five")]
    [InlineData("No. I won't.", "no | i won't")]
    [InlineData("Acme Inc. Then", "acme incorporated | then")]
    [InlineData("a fig tree", "a fig tree")]
    [InlineData("see Fig. 3", "see figure three")]
    [InlineData("Tom & Jerry", "tom and jerry")]
    [InlineData("press * or #", "press star or pound")]
    [InlineData("#1", "number one")]
    [InlineData("me@home", "me at home")]
    [InlineData("jane@example.com.", "jane at example dot com")]
    [InlineData("Dr.Who", "doctor who")]
    [InlineData("2 + 2 = 4", "two plus two equals four")]
    public void Abbreviations_and_symbols(string text, string expected) => Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("USA", "usa")] // in the dictionary: a word
    [InlineData("IBM's", "ibm's")] // a possessive is pronounced from the known stem
    [InlineData("XKCD", "x. k. c. d.")]
    [InlineData("the BBC and NHS", "the b. b. c. and n. h. s.")]
    [InlineData("U.S.A.", "u. s. a.")]
    [InlineData("the U.S. Army", "the u. s. army")]
    [InlineData("a.m.", "a. m.")]
    [InlineData("HELLO", "hello")]
    [InlineData("KUBERNETES", "kubernetes")] // long capitalised words are words, not acronyms
    [InlineData("COVID-19", "covid nineteen")]
    [InlineData("HTTPS", "h. t. t. p. s.")] // no vowel: letters whatever the length
    [InlineData("I", "i")]
    [InlineData("A cat", "a cat")]
    [InlineData("mp3", "mp three")]
    public void Capitals_and_acronyms(string text, string expected) => Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("don't, it's 5 o'clock", "don't | it's five o'clock")]
    [InlineData("the dogs' bowls", "the dogs bowls")]
    [InlineData("'Tis 'cause", "tis cause")] // leading apostrophes go, as align-phones.py strips them
    [InlineData("well-known", "well known")]
    [InlineData("Call-Forward on No Answer.", "call forward on no answer")]
    public void Apostrophes_and_hyphens(string text, string expected) => Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("Hello, world.", "hello | world")]
    [InlineData("Stop. Go! Why? Yes; no: maybe", "stop | go | why | yes | no | maybe")]
    [InlineData("rock - paper -- scissors", "rock | paper | scissors")]
    [InlineData("wait—what", "wait | what")]
    [InlineData("a (b) c [d] e", "a | b | c | d | e")]
    [InlineData("(aside)", "aside")]
    [InlineData("So... what?!", "so | what")]
    [InlineData("One,, two.;", "one | two")]
    public void Punctuation_becomes_single_pauses_never_at_the_ends(string text, string expected) =>
        Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("“Hi,” she said", "hi | she said")]
    [InlineData("it’s", "it's")]
    [InlineData("café naïve Ærø", "cafe naive aero")]
    [InlineData("ＡＢＣ", "a. b. c.")]
    [InlineData("cafe\u0301", "cafe")] // a combining accent
    [InlineData("tab\tand\r\nnewline", "tab and newline")]
    [InlineData("smile 😀 please", "smile please")]
    [InlineData("日本 test", "test")]
    [InlineData("¿Qué?", "que")]
    [InlineData("a\u00A0b", "a b")]
    [InlineData("−5", "minus five")] // U+2212 minus sign
    public void Unicode_is_brought_to_speakable_ascii(string text, string expected) =>
        Assert.Equal(expected, NormalizerTestText.Normalize(text));

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("!!! ... ???")]
    [InlineData("日本語")]
    [InlineData("😀")]
    public void Unspeakable_text_normalises_to_nothing(string text) => Assert.Equal("", NormalizerTestText.Normalize(text));
}
