namespace SoundStorm.Onnx.Text;

/// <summary>How a currency sign's amounts are said in English.</summary>
/// <param name="Singular">One of the main unit ("dollar").</param>
/// <param name="Plural">Several ("dollars"; the yen has no plural form).</param>
/// <param name="MinorSingular">One of the hundredth unit ("cent"), or null where amounts have none said (yen).</param>
/// <param name="MinorPlural">Several of the hundredth unit ("cents", "pence").</param>
internal sealed record Currency(string Singular, string Plural, string? MinorSingular, string? MinorPlural)
{
    private static readonly Currency dollar = new("dollar", "dollars", "cent", "cents");
    private static readonly Currency pound = new("pound", "pounds", "penny", "pence");
    private static readonly Currency euro = new("euro", "euros", "cent", "cents");
    private static readonly Currency yen = new("yen", "yen", null, null);

    /// <summary>The currency of one of the signs the normaliser matches ($ £ € ¥).</summary>
    public static Currency Of(char sign) => sign switch
    {
        '$' => dollar,
        '£' => pound,
        '€' => euro,
        '¥' => yen,
        _ => throw new ArgumentOutOfRangeException(nameof(sign), sign, "not a currency sign the normaliser reads"),
    };
}
