namespace SoundStorm.Onnx.Tests.Support;

/// <summary>
/// A <see cref="TinyModel"/> written as a package into a fresh temporary folder and loaded; disposing it closes the
/// package and deletes the folder.
/// </summary>
internal sealed class TinyPackage : IDisposable
{
    private readonly string _folder = TestPaths.NewTempDirectory();

    public TinyPackage(int seed, bool withSkip = false, bool verifyGraphs = true) =>
        Package = ModelPackage.Load(new TinyModel(seed, withSkip).WritePackage(_folder), verifyGraphs);

    public ModelPackage Package { get; }

    public void Dispose()
    {
        Package.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
