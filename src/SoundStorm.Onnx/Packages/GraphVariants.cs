namespace SoundStorm.Onnx.Packages;

/// <summary>Which file of a graph a session opens: the fused alternative where the provider runs its operators, else the standard one.</summary>
internal static class GraphVariants
{
    /// <summary>The graph file to open under <paramref name="root"/> on <paramref name="provider"/> (the provider the session really uses, after any CPU fallback).</summary>
    public static GraphChoice Choose(string root, GraphEntry entry, ExecutionProvider provider, SessionSettings settings)
    {
        bool fused = entry.Fused is not null && !settings.PreferStandardGraphs && RunsContribOperators(provider);
        string file = fused ? entry.Fused!.File : entry.File;
        return new GraphChoice(PackagePaths.Resolve(root, file) ?? throw new InvalidOperationException($"Graph path '{file}' leaves the package."), fused);
    }

    // ONNX Runtime's com.microsoft operators have CPU and CUDA kernels; DirectML runs the standard opset only.
    private static bool RunsContribOperators(ExecutionProvider provider) => provider is ExecutionProvider.Cpu or ExecutionProvider.Cuda;
}

/// <summary>A graph file chosen for a session; <paramref name="Fused"/>: it is the fused alternative.</summary>
internal readonly record struct GraphChoice(string Path, bool Fused);
