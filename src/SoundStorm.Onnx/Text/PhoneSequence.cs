namespace SoundStorm.Onnx.Text;

/// <summary>
/// What a text front end makes of a text: the words it will say and their phones, with a <see cref="ArpabetPhones.Silence"/>
/// at the start, at the end and at each pause.
/// </summary>
/// <param name="Words">The words said, in order, lower case; a letter said by its name is written with a full stop
/// ("u.", "s.").</param>
/// <param name="Phones">The phone symbols, pauses included.</param>
/// <param name="Ids">The phone ids (<see cref="ArpabetPhones"/>), one per symbol of <paramref name="Phones"/>.</param>
/// <param name="GuessedWords">The words the dictionary lacked, pronounced by the letter-to-sound fallback (each once,
/// in order of first use); worth a look when the speech sounds wrong.</param>
internal sealed record PhoneSequence(
    IReadOnlyList<string> Words,
    IReadOnlyList<string> Phones,
    IReadOnlyList<int> Ids,
    IReadOnlyList<string> GuessedWords);
