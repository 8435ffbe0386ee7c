using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Training;

/// <summary>
/// Turns libtorch's oneDNN (MKL-DNN) backend off, so convolutions run on libtorch's own CPU kernels. On some CPUs — an
/// AMD EPYC virtual machine on which NNPACK also reports "Unsupported hardware" — a oneDNN convolution primitive's first
/// execution after it is created returns NaN weight gradients (later runs of the cached primitive are right), so the
/// first step of a codec run, or of any test that trains a new shape, produced NaN or infinite losses. TorchSharp has no
/// switch for it, so this calls libtorch's <c>at::globalContext().setUserEnabledMkldnn(false)</c> by its exported
/// (Itanium-mangled) name; where that name does not exist (Windows, macOS builds), nothing changes.
/// </summary>
internal static partial class OneDnnConvolutions
{
    private const string Library = "libtorch_cpu";

    [LibraryImport(Library, EntryPoint = "_ZN2at13globalContextEv")]
    private static partial IntPtr GlobalContext();

    [LibraryImport(Library, EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    private static partial void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [LibraryImport(Library, EntryPoint = "_ZNK2at7Context17userEnabledMkldnnEv")]
    [return: MarshalAs(UnmanagedType.U1)]
    private static partial bool UserEnabledMkldnn(IntPtr context);

    /// <summary>Disables oneDNN for this process (after libtorch is loaded); returns whether it is now off.</summary>
    public static bool Disable()
    {
        if (!OperatingSystem.IsLinux()) return false;
        _ = get_num_threads(); // loads libtorch through TorchSharp first, so the import below binds to the same library
        try
        {
            IntPtr context = GlobalContext();
            SetUserEnabledMkldnn(context, false);
            return !UserEnabledMkldnn(context);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }
}
