using SoundStorm.Export.Semantic;
using SoundStorm.Export.Tests.Checkpoints;
using static SoundStorm.Export.Tests.Semantic.HubertReference;

namespace SoundStorm.Export.Tests.Hardening;

/// <summary>
/// Every importer reads checkpoints with one allow-list: a fairseq-shaped checkpoint whose settings entry names code
/// (os.system, builtins.eval) is refused by name by the HuBERT importer exactly as by the seed importer, while the
/// settings classes training code really pickles (argparse, omegaconf, fairseq) stay inert opaque records.
/// </summary>
public sealed class ImporterAllowListTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"importer-allow-list-{Guid.NewGuid():N}.pt");

    public void Dispose() => System.IO.File.Delete(_path);

    public static TheoryData<string, string> ForbiddenSettings => new()
    {
        { "os", "system" },
        { "builtins", "eval" },
        { "__builtin__", "eval" },
        { "subprocess", "Popen" },
    };

    [Theory]
    [MemberData(nameof(ForbiddenSettings))]
    public void Hubert_and_seed_importers_refuse_the_same_global_by_name(string module, string name)
    {
        // {"args": module.name("id"), "model": the reference HuBERT state dict}: fairseq's layout, with code as settings.
        WriteCheckpoint(p => p.Global(module, name).Unicode("id").Op(0x85).Op('R'));

        var hubert = Assert.Throws<UnsafeCheckpointException>(() => HubertImporter.ReadModel(_path, null));
        Assert.Equal($"{module}.{name}", hubert.GlobalName);
        Assert.Contains($"the global '{module}.{name}', which is not on the allow-list", hubert.Message);
        Assert.StartsWith(_path, hubert.Message);

        var seed = Assert.Throws<UnsafeCheckpointException>(() => SeedCheckpointImporter.ReadWeights(_path));
        Assert.Equal(hubert.GlobalName, seed.GlobalName);
    }

    [Fact]
    public void Settings_classes_of_training_frameworks_are_inert_records_for_every_importer()
    {
        // argparse.Namespace with an omegaconf node and a fairseq dictionary inside: data, never imported or run.
        WriteCheckpoint(p => p.Global("argparse", "Namespace").Op(')').Op(0x81).Op('}')
            .Unicode("node").Global("omegaconf.nodes", "AnyNode").Op(')').Op(0x81).Op('s')
            .Unicode("dictionary").Global("fairseq.data.dictionary", "Dictionary").Op(')').Op(0x81).Op('s').Op('b'));

        var root = Assert.IsType<CheckpointDict>(TorchCheckpoint.Load(_path, TorchLoadOptions.TrainingCheckpoint));
        var args = Assert.IsType<CheckpointObject>(root["args"]);
        Assert.Equal("argparse.Namespace", args.ClassName);
        Assert.Equal("fairseq.data.dictionary.Dictionary", Assert.IsType<CheckpointObject>(Assert.IsType<CheckpointDict>(args.State)["dictionary"]).ClassName);

        var (_, _, naming) = HubertImporter.ReadModel(_path, File("torchaudio_config.json"));
        Assert.Equal(HubertNaming.Torchaudio, naming);
        // The seed importer gets past the settings to the tensors, where this HuBERT file is not what it wants.
        var seed = Assert.Throws<CheckpointFormatException>(() => SeedCheckpointImporter.ReadWeights(_path));
        Assert.IsNotType<UnsafeCheckpointException>(seed);
    }

    private void WriteCheckpoint(Func<PickleBuilder, PickleBuilder> settings)
    {
        string source = File("model.pth");
        using var zip = System.IO.Compression.ZipFile.OpenRead(source);
        string record = zip.Entries.Single(e => e.FullName.EndsWith("/data.pkl", StringComparison.Ordinal)).FullName;
        byte[] stateDict = TorchZipTestFiles.ReadRecord(source, record)[2..^1]; // without PROTO 2 and STOP
        var pickle = settings(new PickleBuilder().Proto(2).Op('}').Op('(').Unicode("args")).Unicode("model").Raw(stateDict).Op('u').Op('.');
        TorchZipTestFiles.Rewrite(source, _path, record, pickle.ToArray());
    }
}
