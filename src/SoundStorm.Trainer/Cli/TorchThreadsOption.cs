using System.CommandLine;

namespace SoundStorm.Trainer.Cli;

/// <summary>The <c>--threads</c> option every training verb shares: libtorch's intra-op thread count.</summary>
internal static class TorchThreadsOption
{
    /// <summary>A new option (0 keeps libtorch's default of one thread per core).</summary>
    public static Option<int> Create() => new("--threads")
    {
        Description = "libtorch threads (0 = one per core). On a busy 2-core machine 1 is fastest: idle OpenMP threads spin against other work.",
        DefaultValueFactory = _ => 0,
    };

    /// <summary>Applies the parsed value.</summary>
    public static void Apply(ParseResult result, Option<int> option)
    {
        int threads = result.GetValue(option);
        if (threads < 0) throw new ArgumentException($"--threads must be 0 or positive (found {threads}).");
        if (threads > 0) TorchSharp.torch.set_num_threads(threads);
    }
}
