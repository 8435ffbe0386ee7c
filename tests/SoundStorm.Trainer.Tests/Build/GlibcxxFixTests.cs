using SoundStorm.Build.GlibcxxFix;

namespace SoundStorm.Trainer.Tests.Build;

/// <summary>The build-time ELF patch of libLibTorchSharp.so (build/TorchSharpGlibcxxFix).</summary>
public sealed class GlibcxxFixTests
{
    private const string ShimName = "libglibcxx_ios_init_shim.so";

    private static string CacheCopy =>
        Path.Combine(TestPaths.NuGetPackageRoot, "torchsharp", "0.107.0", "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static string OutputCopy =>
        Path.Combine(AppContext.BaseDirectory, "runtimes", "linux-x64", "native", "libLibTorchSharp.so");

    private static ElfFile Open(byte[] bytes) => new(new MemoryStream(bytes, writable: false));

    private static byte[] Patched(byte[] original, out List<string> log)
    {
        log = new List<string>();
        var stream = new MemoryStream();
        stream.Write(original);
        List<ElfEdit> edits = GlibcxxFixPlanner.Plan(Open(original), ShimName, log);
        ElfFile.Apply(stream, edits);
        return stream.ToArray();
    }

    [Fact]
    public void Patch_marks_the_version_weak_and_appends_the_shim_as_needed()
    {
        byte[] original = File.ReadAllBytes(CacheCopy);
        ElfFile before = Open(original);
        ElfVersionNeed need = before.VersionNeeds().Single(v => v.Name == GlibcxxFixPlanner.MissingVersion);
        Assert.False(need.IsWeak);
        Assert.Equal(new[] { "_ZSt21ios_base_library_initv" }, before.SymbolsWithVersionIndex(need.Index));

        ElfFile after = Open(Patched(original, out List<string> log));

        Assert.Equal(2, log.Count);
        List<ElfVersionNeed> needsBefore = before.VersionNeeds(), needsAfter = after.VersionNeeds();
        Assert.Equal(needsBefore.Select(v => (v.File, v.Name, v.Index)), needsAfter.Select(v => (v.File, v.Name, v.Index)));
        for (int i = 0; i < needsBefore.Count; i++)
            Assert.Equal(needsBefore[i].Name == GlibcxxFixPlanner.MissingVersion, needsAfter[i].IsWeak);
        Assert.Equal(before.Needed().Append(ShimName), after.Needed());
        Assert.Equal("$ORIGIN/", after.RunPath());
        Assert.Equal(before.DynamicEntries().Count, after.DynamicEntries().Count);
    }

    [Fact]
    public void Patch_is_idempotent_and_leaves_the_file_size_unchanged()
    {
        byte[] original = File.ReadAllBytes(CacheCopy);
        byte[] once = Patched(original, out _);
        Assert.Equal(original.Length, once.Length);
        Assert.Empty(GlibcxxFixPlanner.Plan(Open(once), ShimName, new List<string>()));
        // Bytes differ only in the version flag, the RUNPATH tail and the dynamic section: a few hundred at most.
        int changed = original.Zip(once).Count(p => p.First != p.Second);
        Assert.InRange(changed, 2, 400);
    }

    [Fact]
    public void Build_output_copy_is_patched_exactly_when_the_system_lacks_the_version_and_the_cache_is_untouched()
    {
        using (var s = File.OpenRead(CacheCopy))
            Assert.False(new ElfFile(s).VersionNeeds().Single(v => v.Name == GlibcxxFixPlanner.MissingVersion).IsWeak);

        string? system = GlibcxxFixPlanner.FindSystemLibStdCxx(62);
        bool systemHasIt = system != null && GlibcxxFixPlanner.Defines(system, GlibcxxFixPlanner.MissingVersion);
        using var output = File.OpenRead(OutputCopy);
        var elf = new ElfFile(output);
        Assert.Equal(!systemHasIt, elf.VersionNeeds().Single(v => v.Name == GlibcxxFixPlanner.MissingVersion).IsWeak);
        if (!systemHasIt && File.Exists(Path.Combine(Path.GetDirectoryName(OutputCopy)!, ShimName)))
            Assert.Contains(ShimName, elf.Needed());
    }

    [Fact]
    public void Shim_needs_no_library_and_no_symbol_versions()
    {
        string shim = Path.Combine(Path.GetDirectoryName(OutputCopy)!, ShimName);
        Assert.True(File.Exists(shim), $"{shim} was not built (is g++ installed?)");
        using var s = File.OpenRead(shim);
        var elf = new ElfFile(s);
        Assert.Empty(elf.Needed());
        Assert.Empty(elf.VersionNeeds());
    }
}
