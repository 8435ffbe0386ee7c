namespace SoundStorm.Onnx.Text;

/// <summary>Collects a normaliser's spoken tokens, keeping pauses single and off both ends (the front end adds the
/// silence at the start and end itself).</summary>
internal sealed class TokenWriter
{
    private readonly List<SpokenToken> tokens = [];
    private readonly List<string> scratch = [];

    public void Word(string word) => tokens.Add(new SpokenToken(SpokenTokenKind.Word, word));

    /// <summary>Adds the words a number reader appends.</summary>
    public void Words(Action<List<string>> read)
    {
        scratch.Clear();
        read(scratch);
        foreach (var word in scratch)
        {
            Word(word);
        }
    }

    /// <summary>Adds the space-separated words of an expansion ("et cetera").</summary>
    public void Phrase(string words)
    {
        foreach (var word in words.Split(' '))
        {
            Word(word);
        }
    }

    public void Letter(char letter) => tokens.Add(new SpokenToken(SpokenTokenKind.Letter, letter.ToString()));

    public void Pause()
    {
        if (tokens.Count > 0 && tokens[^1].Kind != SpokenTokenKind.Pause)
        {
            tokens.Add(SpokenToken.Pause);
        }
    }

    /// <summary>"the 1990s": the last number word becomes plural.</summary>
    public void PluralizeLastWord()
    {
        if (tokens.Count > 0 && tokens[^1].Kind == SpokenTokenKind.Word)
        {
            tokens[^1] = tokens[^1] with { Text = EnglishNumbers.PluralOf(tokens[^1].Text) };
        }
    }

    public List<SpokenToken> Finish()
    {
        if (tokens.Count > 0 && tokens[^1].Kind == SpokenTokenKind.Pause)
        {
            tokens.RemoveAt(tokens.Count - 1);
        }
        return tokens;
    }
}
