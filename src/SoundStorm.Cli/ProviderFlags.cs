using System.CommandLine;
using SoundStorm.Onnx;

namespace SoundStorm.Cli;

/// <summary>
/// <c>--provider cpu|cuda|directml</c> and <c>--device N</c>, for the verbs that run the whole pipeline. The CLI ships
/// ONNX Runtime's CPU package; CUDA needs a build against <c>Microsoft.ML.OnnxRuntime.Gpu</c>
/// (<c>dotnet build src/SoundStorm.Cli -p:OnnxRuntimeNative=Gpu</c>, docs/providers.md). Asking for a provider the
/// loaded native library lacks is an <c>error:</c> line naming the package, unless <c>--cpu-fallback</c> is given.
/// </summary>
internal sealed class ProviderFlags
{
    private readonly Option<string> _provider = new("--provider")
    {
        Description = "Where the graphs run: cpu (default), cuda or directml (needs a build with that ONNX Runtime package).",
        DefaultValueFactory = _ => "cpu",
    };
    private readonly Option<int> _device = new("--device") { Description = "Which GPU, for --provider cuda or directml (default 0).", DefaultValueFactory = _ => 0 };
    private readonly Option<bool> _fallback = new("--cpu-fallback") { Description = "If the provider is missing, warn and run on the CPU instead of failing." };

    /// <summary>The flags, to add to a command.</summary>
    public IEnumerable<Option> All => [_provider, _device, _fallback];

    /// <summary>Copies the flags onto <paramref name="settings"/>.</summary>
    /// <exception cref="CliException">An unknown provider name or a negative device.</exception>
    public void Apply(ParseResult result, SessionSettings settings)
    {
        string name = result.GetValue(_provider) ?? "cpu";
        settings.Provider = name.ToUpperInvariant() switch
        {
            "CPU" => ExecutionProvider.Cpu,
            "CUDA" => ExecutionProvider.Cuda,
            "DIRECTML" or "DML" => ExecutionProvider.DirectML,
            _ => throw new CliException($"--provider {name}: expected cpu, cuda or directml."),
        };
        int device = result.GetValue(_device);
        settings.DeviceId = device >= 0 ? device : throw new CliException($"--device {device}: expected a GPU index ≥ 0.");
        settings.AllowCpuFallback = result.GetValue(_fallback);
        if (settings.AllowCpuFallback) settings.Logger = StderrLogger.Instance;
    }
}
