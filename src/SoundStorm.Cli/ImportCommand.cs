using System.CommandLine;
using SoundStorm.Export.Import;

namespace SoundStorm.Cli;

/// <summary><c>soundstorm import &lt;kind&gt;</c>: turn real checkpoints into graphs for a model package.</summary>
internal static class ImportCommand
{
    public static Command Create()
    {
        var command = new Command("import", "Import a PyTorch checkpoint (read as data; nothing in it is executed) as ONNX graphs.");
        command.Subcommands.Add(SeedSoundStorm());
        command.Subcommands.Add(HifiCodec());
        command.Subcommands.Add(Hubert());
        return command;
    }

    private static string? OptionalInput(FileInfo? file, string option) => file is null ? null : InputFiles.Require(file.FullName, option);

    private static Command Hubert()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "fairseq .pt, torchaudio .pth, or Hugging Face model.safetensors / pytorch_model.bin.", Required = true };
        var config = new Option<FileInfo?>("--config") { Description = "Config json (Hugging Face, torchaudio or fairseq); otherwise inferred from the tensors." };
        var layer = new Option<int>("--layer") { Description = "Transformer layer whose output is quantised (1-based; the seed uses 9).", Required = true };
        var kmeans = new Option<FileInfo?>("--kmeans") { Description = "k-means centroids (.npy [K, D], or a scikit-learn KMeans pickle/joblib file)." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder for semantic.onnx.", Required = true };
        var span = new Option<int?>("--attention-span") { Description = "Frames (50 per second) each frame attends to on either side; default: all (the original model's global attention). A span bounds what a token depends on, so long inputs tokenise in chunks as in one pass." };
        var command = new Command("hubert", "Import a HuBERT checkpoint (+ k-means) as the semantic tokenizer graph.") { checkpoint, config, layer, kmeans, output, span };
        command.SetAction(result => CliErrors.Guard(() =>
        {
            string file = InputFiles.Require(result.GetValue(checkpoint)!.FullName, "--checkpoint");
            var r = HubertImporter.Import(file, OptionalInput(result.GetValue(config), "--config"), result.GetValue(layer), result.GetValue(kmeans)?.FullName, result.GetValue(output)!.FullName,
                result.GetValue(span) is { } frames ? (frames >= 1 ? frames : throw new CliException($"--attention-span must be at least 1 frame, not {frames}.")) : null);
            Console.WriteLine($"HuBERT: {r.Config.Layers} layers × {r.Config.EmbedDim}, output of layer {r.Layer}" +
                (r.Clusters > 0 ? $", {r.Clusters} k-means clusters → token ids" : " → features (no k-means: not usable as a package's tokenizer)") + $" → {result.GetValue(output)!.FullName}");
            return 0;
        }));
        return command;
    }

    private static Command HifiCodec()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "AcademiCodec generator checkpoint (g_XXXXXXXX).", Required = true };
        var config = new Option<FileInfo>("--config") { Description = "The codec's config json (e.g. config_16k_320d.json).", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder for codec_encoder.onnx and codec_decoder.onnx.", Required = true };
        var command = new Command("hificodec", "Import an AcademiCodec HiFi-Codec checkpoint.") { checkpoint, config, output };
        command.SetAction(result => CliErrors.Guard(() =>
        {
            string file = InputFiles.Require(result.GetValue(checkpoint)!.FullName, "--checkpoint");
            var r = HifiCodecImporter.Import(file, InputFiles.Require(result.GetValue(config)!.FullName, "--config"), result.GetValue(output)!.FullName);
            Console.WriteLine($"HiFi-Codec: {r.SampleRate} Hz, hop {r.Hop}, {r.Codebooks} codes per frame × {r.CodebookSize}, {r.TensorCount} tensors → {result.GetValue(output)!.FullName}");
            return 0;
        }));
        return command;
    }

    private static Command SeedSoundStorm()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "Solver.save() checkpoint (last.pth) or a DALLE state dict.", Required = true };
        var config = new Option<FileInfo?>("--config") { Description = "The upstream yaml/json config (for n_head); otherwise width/64 heads." };
        var ema = new Option<bool>("--ema") { Description = "Import the EMA weights instead of the model weights." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Output folder for combiner.onnx and transformer.onnx.", Required = true };
        var int8 = new Option<bool>("--int8") { Description = "Write the transformer with int8 weight matrices (activations quantised at run time), the first and last block's outside attention kept float32, as pack --int8 does." };
        var command = new Command("seed-soundstorm", "Import a yangdongchao/SoundStorm s2 checkpoint.") { checkpoint, config, ema, output, int8 };
        command.SetAction(result => CliErrors.Guard(() =>
        {
            string file = InputFiles.Require(result.GetValue(checkpoint)!.FullName, "--checkpoint");
            var c = SeedCheckpointImporter.Import(file, result.GetValue(output)!.FullName, OptionalInput(result.GetValue(config), "--config"),
                result.GetValue(ema) ? SeedWeights.Ema : SeedWeights.Model);
            if (result.GetValue(int8)) Int8Graphs.QuantizeInPlace(result.GetValue(output)!.FullName);
            Console.WriteLine($"seed model: {c.Layers} layers × {c.Dim} wide, {c.Heads} heads, Q={c.Codebooks}, V={c.CodebookSize}, K={c.SemanticVocab} → {result.GetValue(output)!.FullName}");
            return 0;
        }));
        return command;
    }
}
