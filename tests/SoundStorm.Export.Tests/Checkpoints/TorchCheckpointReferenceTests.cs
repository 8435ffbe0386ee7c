namespace SoundStorm.Export.Tests.Checkpoints;

/// <summary>The small torch.save files of reference/torch-pickle, compared with expected.json entry by entry.</summary>
public sealed class TorchCheckpointReferenceTests
{
    [ReferenceTheory]
    [InlineData("state_dict_variants.pth")]
    [InlineData("nested_checkpoint.pth")]
    [InlineData("legacy_format.pth")]
    public void LoadsExactlyWhatExpectedJsonDescribes(string file)
    {
        object? loaded = TorchCheckpoint.Load(ReferencePaths.Get("torch-pickle", file));

        ExpectedJson.AssertMatches(ExpectedJson.For(file), loaded);
    }

    [ReferenceFact]
    public void ABarePickleWithItsStoragesLoadsAsTheWholeCheckpointDoes()
    {
        string path = ReferencePaths.Get("torch-pickle", "state_dict_variants.pth");
        string pickle;
        using (var zip = System.IO.Compression.ZipFile.OpenRead(path))
            pickle = zip.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).FullName;
        string folder = pickle[..^"data.pkl".Length];

        object? loaded = TorchCheckpoint.LoadPickle(TorchZipTestFiles.ReadRecord(path, pickle), pickle,
            (key, _, _) => TorchZipTestFiles.ReadRecord(path, $"{folder}data/{key}"));

        ExpectedJson.AssertMatches(ExpectedJson.For("state_dict_variants.pth"), loaded);
    }

    [ReferenceFact]
    public void TheSameTensorPickledTwiceIsOneObjectThroughTheMemo()
    {
        var root = (CheckpointDict)TorchCheckpoint.Load(ReferencePaths.Get("torch-pickle", "nested_checkpoint.pth"))!;

        Assert.Same(root["shared_a"], root["shared_b"]);
    }

    [ReferenceFact]
    public void AContiguousTensorSharesItsStorageAndAViewOfItIsMaterialised()
    {
        var root = (CheckpointDict)TorchCheckpoint.Load(ReferencePaths.Get("torch-pickle", "state_dict_variants.pth"))!;
        var basis = (CheckpointTensor)root["base_2x3"]!;
        var transposed = (CheckpointTensor)root["transposed_view_of_base_2x3"]!;

        float[] b = basis.ToFloat32();
        float[] t = transposed.ToFloat32();
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                Assert.Equal(b[(i * 3) + j], t[(j * 2) + i]);
    }

    [ReferenceFact]
    public void ModuleStateDictMetadataIsKeptAsAttributes()
    {
        var root = (CheckpointDict)TorchCheckpoint.Load(ReferencePaths.Get("torch-pickle", "nested_checkpoint.pth"))!;
        var model = (CheckpointDict)root["model"]!;

        var attributes = Assert.IsType<CheckpointDict>(model.Attributes);
        Assert.True(attributes.ContainsKey("_metadata"));
    }

    [ReferenceTheory]
    [InlineData("unsafe_argparse_namespace.pth", "argparse.Namespace")]
    [InlineData("unsafe_custom_class.pth", "my_training_code.config.CustomConfig")]
    [InlineData("unsafe_reduce_call.pth", "__builtin__.print")]
    public void FilesNamingGlobalsOutsideTheAllowListAreRefused(string file, string global)
    {
        string path = ReferencePaths.Get("torch-pickle", file);

        var error = Assert.Throws<UnsafeCheckpointException>(() => TorchCheckpoint.Load(path));

        Assert.Equal(global, error.GlobalName);
        Assert.Contains($"'{global}'", error.Message);
        Assert.Contains(path, error.Message);
    }

    [ReferenceFact]
    public void AnOpaqueClassTheCallerAllowsIsKeptAsDataWithoutRunningIt()
    {
        var options = new TorchLoadOptions { OpaqueClasses = ["argparse.Namespace"] };

        object? loaded = TorchCheckpoint.Load(ReferencePaths.Get("torch-pickle", "unsafe_argparse_namespace.pth"), options);

        ExpectedJson.AssertMatches(ExpectedJson.For("unsafe_argparse_namespace.pth", "content_if_loaded_unsafely"), loaded);
    }

    [ReferenceFact]
    public void AllowingOneOpaqueClassDoesNotAllowOthers()
    {
        var options = new TorchLoadOptions { OpaqueClasses = ["argparse.Namespace"] };

        var error = Assert.Throws<UnsafeCheckpointException>(
            () => TorchCheckpoint.Load(ReferencePaths.Get("torch-pickle", "unsafe_reduce_call.pth"), options));
        Assert.Equal("__builtin__.print", error.GlobalName);
    }

    [ReferenceFact]
    public void LoadStateDictFlattensNestedDictionariesWithDottedNames()
    {
        OrderedDictionary<string, CheckpointTensor> tensors =
            TorchCheckpoint.LoadStateDict(ReferencePaths.Get("torch-pickle", "nested_checkpoint.pth"));

        Assert.Equal(
            ["model.0.weight", "model.0.bias", "model.1.weight", "model.1.bias", "nested.a.b.c", "param", "shared_a", "shared_b"],
            tensors.Keys);
        Assert.Equal("nested.a.b.c", tensors["nested.a.b.c"].Name);
        Assert.Equal([1L, 2, 3, 4], tensors["nested.a.b.c"].ToInt64());
    }

    [ReferenceFact]
    public void LoadStateDictNamesTheMissingEntry()
    {
        string path = ReferencePaths.Get("torch-pickle", "nested_checkpoint.pth");

        var error = Assert.Throws<CheckpointFormatException>(() => TorchCheckpoint.LoadStateDict(path, "ema"));

        Assert.Contains("'ema'", error.Message);
        Assert.Contains("'model'", error.Message);
    }

    [ReferenceTheory]
    [InlineData(System.IO.Compression.CompressionLevel.NoCompression)]
    [InlineData(System.IO.Compression.CompressionLevel.Optimal)]
    public void TheZipFolderNameAndCompressionDoNotMatter(System.IO.Compression.CompressionLevel level)
    {
        string path = Path.Combine(Path.GetTempPath(), $"renamed-{Guid.NewGuid():N}.pth");
        try
        {
            TorchZipTestFiles.Rewrite(ReferencePaths.Get("torch-pickle", "state_dict_variants.pth"), path, newFolder: "archive", level: level);

            ExpectedJson.AssertMatches(ExpectedJson.For("state_dict_variants.pth"), TorchCheckpoint.Load(path));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
