using System.Globalization;
using SoundStorm.Onnx;

namespace SoundStorm.Cli;

/// <summary>
/// Refuses audio too short for the graphs before they run, naming the option: the library's own check can only say
/// "the waveform", which does not tell a user whether the source or the prompt was at fault.
/// </summary>
internal static class AudioLength
{
    /// <summary>The clip must give at least one semantic token at <paramref name="modelRate"/>.</summary>
    public static void RequireToken(AudioClip clip, string option, string path, int modelRate)
    {
        if (SemanticTokenizer.FrameCount(ResampledLength(clip, modelRate)) == 0) throw TooShort(clip, option, path, "one semantic token frame");
    }

    /// <summary>The clip must give at least one codec frame of <paramref name="hop"/> samples at <paramref name="modelRate"/>.</summary>
    public static void RequireCodecFrame(AudioClip clip, string option, string path, int modelRate, int hop)
    {
        if (ResampledLength(clip, modelRate) < hop) throw TooShort(clip, option, path, "one codec frame");
    }

    // Rounded down, so a clip that passes is long enough whichever way the resampler rounds.
    private static int ResampledLength(AudioClip clip, int modelRate) => (int)((long)clip.FrameCount * modelRate / clip.SampleRate);

    private static CliException TooShort(AudioClip clip, string option, string path, string unit) =>
        new($"{option} '{path}' is too short ({clip.Duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s): the model needs at least {unit}.");
}
