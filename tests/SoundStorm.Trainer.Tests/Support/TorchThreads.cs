using System.Runtime.CompilerServices;

namespace SoundStorm.Trainer.Tests.Support;

/// <summary>
/// TorchSharp runs this assembly's tests on one intra-op thread. The tests' tensors are tiny, so threads buy nothing,
/// while on a shared 2-core machine libtorch's spinning worker threads made a 600-step run take 206 s instead of 12 s.
/// MKL's reproducible mode goes on first and oneDNN off, as in the trainer itself (see <see cref="MklReproducibility"/>,
/// <see cref="OneDnnConvolutions"/>).
/// </summary>
internal static class TorchThreads
{
#pragma warning disable CA2255 // a test assembly's one-time runtime setting is what module initialisers are for
    [ModuleInitializer]
    internal static void UseOneThread()
    {
        MklReproducibility.Enable(); // as the trainer's entry point does: resume tests compare losses bit for bit
        OneDnnConvolutions.Disable(); // as the trainer's entry point does: see OneDnnConvolutions
        torch.set_num_threads(1);
    }
#pragma warning restore CA2255
}
