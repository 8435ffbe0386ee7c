using SoundStorm.Trainer.Preparation;
using System.CommandLine;
using SoundStorm.Trainer.Semantic.Pretraining;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train pretrain-hubert</c>: HuBERT's first iteration (MFCC k-means targets, masked prediction) on a
/// folder of WAVs (with its manifest.tsv, only split=train rows). Writes a resumable checkpoint; the semantic
/// vocabulary is then made by <c>hubert-units</c>. With <c>--phone-labels</c> the targets are forced-aligned phones
/// (scripts/corpus/align-phones.py) and only the labelled utterances are used: a supervised phone tokenizer.
/// </summary>
internal static class PretrainHubertCommand
{
    public static Command Create()
    {
        var d = new HubertPretrainOptions();
        var audio = new Option<DirectoryInfo>("--audio") { Description = "Audio folder: <voice>/<utt>.wav, and optionally manifest.tsv (only split=train rows are used).", Required = true };
        var manifest = new Option<FileInfo?>("--manifest") { Description = "Manifest (tab-separated with 'path' relative to --audio and 'split'); default <audio>/manifest.tsv when present." };
        var output = new Option<DirectoryInfo>("--out") { Description = "Run folder: checkpoint.safetensors is written here.", Required = true };
        var resume = new Option<FileInfo?>("--resume") { Description = "Continue from this checkpoint (its settings and MFCC targets are used)." };
        var steps = new Option<int>("--steps") { Description = "Total steps (the cosine schedule ends here).", DefaultValueFactory = _ => d.Steps };
        var stopAfter = new Option<int?>("--stop-after") { Description = "Stop (with a checkpoint) after this step." };
        var minutes = TimeLimitOption.Create();
        var threads = TorchThreadsOption.Create();
        var convChannels = new Option<int>("--conv-channels") { Description = "Channels of the convolutional extractor.", DefaultValueFactory = _ => d.ConvChannels };
        var dim = new Option<int>("--dim") { Description = "Transformer width.", DefaultValueFactory = _ => d.EmbedDim };
        var layers = new Option<int>("--layers") { Description = "Transformer layers.", DefaultValueFactory = _ => d.Layers };
        var heads = new Option<int>("--heads") { Description = "Attention heads.", DefaultValueFactory = _ => d.Heads };
        var feedForward = new Option<int>("--feed-forward") { Description = "Feed-forward width.", DefaultValueFactory = _ => d.FeedForwardDim };
        var preLn = new Option<bool>("--pre-ln") { Description = "Pre-LN layers instead of HuBERT Base's post-LN." };
        var dropout = new Option<double>("--dropout") { Description = "Transformer dropout.", DefaultValueFactory = _ => d.Dropout };
        var phoneLabels = new Option<FileInfo?>("--phone-labels") { Description = "Train on forced-aligned phone labels (phones.tsv of scripts/corpus/align-phones.py, paths relative to --audio) instead of MFCC clusters; only labelled utterances are used. On --resume: where the run's label file is now, if it moved." };
        var targets = new Option<int>("--targets") { Description = "MFCC k-means clusters (prediction targets).", DefaultValueFactory = _ => d.Targets };
        var maskProb = new Option<double>("--mask-prob") { Description = "Span-start share × span length (upstream 0.8).", DefaultValueFactory = _ => d.MaskProbability };
        var maskLength = new Option<int>("--mask-length") { Description = "Frames per masked span.", DefaultValueFactory = _ => d.MaskLength };
        var unmaskedWeight = new Option<double>("--unmasked-weight") { Description = "Loss weight of unmasked frames.", DefaultValueFactory = _ => d.UnmaskedWeight };
        var batch = new Option<int>("--batch-size") { Description = "Utterances per batch.", DefaultValueFactory = _ => d.BatchSize };
        var crop = new Option<double>("--crop-seconds") { Description = "Longest random crop (a batch is cut to its shortest utterance when shorter).", DefaultValueFactory = _ => d.CropSeconds };
        var minSeconds = new Option<double>("--min-seconds") { Description = "Skip shorter utterances.", DefaultValueFactory = _ => d.MinSeconds };
        var lr = new Option<double>("--lr") { Description = "Peak learning rate.", DefaultValueFactory = _ => d.LearningRate };
        var warmup = new Option<int>("--warmup") { Description = "Linear warm-up steps.", DefaultValueFactory = _ => d.WarmupSteps };
        var clip = new Option<double>("--clip") { Description = "Global gradient-norm limit (0 = off).", DefaultValueFactory = _ => d.ClipNorm };
        var seed = new Option<long>("--seed") { Description = "Seed of everything random.", DefaultValueFactory = _ => d.Seed };
        var checkpointEvery = new Option<int>("--checkpoint-every") { Description = "Checkpoint interval in steps.", DefaultValueFactory = _ => d.CheckpointEvery };
        var logEvery = new Option<int>("--log-every") { Description = "Progress line interval in steps.", DefaultValueFactory = _ => d.LogEvery };

        var command = new Command("pretrain-hubert", "Pre-train a small HuBERT (first iteration: MFCC k-means targets, masked prediction) on 16 kHz speech.")
        {
            audio, manifest, output, resume, steps, stopAfter, minutes, threads, convChannels, dim, layers, heads, feedForward, preLn, dropout,
            phoneLabels, targets, maskProb, maskLength, unmaskedWeight, batch, crop, minSeconds, lr, warmup, clip, seed, checkpointEvery, logEvery,
        };
        command.SetAction(r => TrainerErrors.Guard(() =>
        {
            TorchThreadsOption.Apply(r, threads);
            var limit = TimeLimitOption.Read(r, minutes);
            string outFolder = r.GetValue(output)!.FullName;
            Directory.CreateDirectory(outFolder);
            string audioFolder = r.GetValue(audio)!.FullName;
            var files = AudioCorpus.TrainingFiles(audioFolder, r.GetValue(manifest)?.FullName);
            HubertPretrainObjective trainer;
            if (r.GetValue(resume) is { } checkpoint)
            {
                var stored = HubertPretrainCheckpoint.Load(checkpoint.FullName);
                string? labelFile = stored.Options.PhoneLabels is null ? null : r.GetValue(phoneLabels)?.FullName ?? stored.Options.PhoneLabels;
                var (utterances, labels) = LoadAudio(files, labelFile, audioFolder, stored.Options.MinSeconds);
                trainer = HubertPretrainObjective.Resume(checkpoint.FullName, utterances, outFolder, Console.Out, labels);
            }
            else
            {
                var options = new HubertPretrainOptions
                {
                    ConvChannels = r.GetValue(convChannels), EmbedDim = r.GetValue(dim), Layers = r.GetValue(layers), Heads = r.GetValue(heads),
                    FeedForwardDim = r.GetValue(feedForward), LayerNormFirst = r.GetValue(preLn), Dropout = r.GetValue(dropout),
                    PhoneLabels = r.GetValue(phoneLabels)?.FullName,
                    Targets = r.GetValue(phoneLabels) is null ? r.GetValue(targets) : PhoneLabels.Symbols.Count, MaskProbability = r.GetValue(maskProb), MaskLength = r.GetValue(maskLength),
                    UnmaskedWeight = r.GetValue(unmaskedWeight), BatchSize = r.GetValue(batch), CropSeconds = r.GetValue(crop),
                    MinSeconds = r.GetValue(minSeconds), Steps = r.GetValue(steps), LearningRate = r.GetValue(lr), WarmupSteps = r.GetValue(warmup),
                    ClipNorm = r.GetValue(clip), Seed = r.GetValue(seed), CheckpointEvery = r.GetValue(checkpointEvery), LogEvery = r.GetValue(logEvery),
                }.Validate();
                var (utterances, labels) = LoadAudio(files, options.PhoneLabels, audioFolder, options.MinSeconds);
                double hours = utterances.Sum(u => u.Samples.Length) / (double)Mfcc.SampleRate / 3600;
                Console.WriteLine($"audio: {utterances.Count} of {files.Count} training files ({hours:F2} h); model: {options.Layers} × {options.EmbedDim} " +
                    $"({options.Heads} heads, FF {options.FeedForwardDim}, extractor {options.ConvChannels} channels), " +
                    (labels is null ? $"{options.Targets} MFCC targets" : $"{options.Targets} phone labels"));
                trainer = HubertPretrainObjective.Create(options, utterances, outFolder, Console.Out, labels);
            }
            using (trainer)
            {
                var history = trainer.Run(r.GetValue(stopAfter), limit);
                Console.WriteLine($"checkpoint at step {trainer.Step}: {Path.Combine(outFolder, HubertPretrainObjective.CheckpointFile)}");
            }
            return 0;
        }));
        return command;
    }

    /// <summary>The training audio; with a label file, only the files it labels, and their labels in the same order.</summary>
    private static (IReadOnlyList<PretrainUtterance> Audio, IReadOnlyList<long[]>? Labels) LoadAudio(
        IReadOnlyList<string> files, string? labelFile, string audioFolder, double minSeconds)
    {
        int minSamples = (int)(minSeconds * Mfcc.SampleRate);
        if (labelFile is null) return (PretrainAudio.Load(files, minSamples, audioFolder, Console.Out), null);
        var byPath = PhoneLabels.Read(labelFile, audioFolder);
        var labelled = files.Where(f => byPath.ContainsKey(Path.GetFullPath(f))).ToArray();
        if (labelled.Length == 0)
            throw new Data.DatasetFormatException(labelFile, $"labels none of the {files.Count} training files of {audioFolder} (its paths must be relative to that folder).");
        var audio = PretrainAudio.Load(labelled, minSamples, audioFolder, Console.Out);
        return (audio, audio.Select(u => byPath[Path.GetFullPath(u.Path)]).ToArray());
    }
}
