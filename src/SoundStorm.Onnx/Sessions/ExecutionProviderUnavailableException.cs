
namespace SoundStorm.Onnx;

/// <summary>The requested execution provider is not in the ONNX Runtime native library the application ships.</summary>
public sealed class ExecutionProviderUnavailableException : Exception
{
    /// <summary>Creates the exception for <paramref name="provider"/>, naming the package to add.</summary>
    public ExecutionProviderUnavailableException(ExecutionProvider provider, Exception? inner = null)
        : base($"The {provider} execution provider is not available in the ONNX Runtime native library this application loaded. " +
               $"Reference the NuGet package {PackageFor(provider)} instead of Microsoft.ML.OnnxRuntime (an application must reference exactly one native ONNX Runtime package), " +
               "or set SessionSettings.AllowCpuFallback = true to run on the CPU." +
               (inner is null ? "" : $" ({inner.GetType().Name}: {inner.Message})"), inner)
    {
        Provider = provider;
        PackageName = PackageFor(provider);
    }

    /// <summary>The provider that was asked for.</summary>
    public ExecutionProvider Provider { get; }

    /// <summary>The NuGet package that supplies it.</summary>
    public string PackageName { get; }

    /// <summary>The native NuGet package that contains <paramref name="provider"/>.</summary>
    public static string PackageFor(ExecutionProvider provider) => provider switch
    {
        ExecutionProvider.Cuda => "Microsoft.ML.OnnxRuntime.Gpu",
        ExecutionProvider.DirectML => "Microsoft.ML.OnnxRuntime.DirectML",
        _ => "Microsoft.ML.OnnxRuntime",
    };
}
