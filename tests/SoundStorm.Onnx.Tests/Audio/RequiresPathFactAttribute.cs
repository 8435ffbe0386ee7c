namespace SoundStorm.Onnx.Tests.Audio;

/// <summary>A fact that is skipped, with the reason, when test material from a system package is not installed.</summary>
public sealed class RequiresPathFactAttribute : FactAttribute
{
    public RequiresPathFactAttribute(string path, string package)
    {
        if (!File.Exists(path) && !Directory.Exists(path))
        {
            Skip = $"{path} is absent: install the Debian package '{package}' (apt-get install -y {package}) to run this test.";
        }
    }
}
