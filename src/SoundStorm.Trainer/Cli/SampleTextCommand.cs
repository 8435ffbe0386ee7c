using System.CommandLine;
using System.Globalization;
using SoundStorm.Export.NumPy;
using SoundStorm.Trainer.Checkpoints;
using SoundStorm.Trainer.Text;
using SoundStorm.Trainer.Text.Autoregressive;

namespace SoundStorm.Trainer.Cli;

/// <summary>
/// <c>soundstorm-train sample-text --checkpoint C --list L --out DIR</c>: semantic units from an autoregressive
/// <c>train-text</c> checkpoint for each line of a <c>soundstorm speak --list</c> file whose text is phones between
/// slashes; writes <c>DIR/&lt;output name&gt;.npy</c> (int64 [T]) for <c>soundstorm generate --semantic</c>. This is how
/// the autoregressive model is measured against the duration model that ships.
/// </summary>
internal static class SampleTextCommand
{
    public static Command Create()
    {
        var checkpoint = new Option<FileInfo>("--checkpoint") { Description = "An autoregressive train-text checkpoint.", Required = true };
        var list = new Option<FileInfo>("--list") { Description = "A speak list: '/PHONES/<TAB>prompt<TAB>output.wav' lines.", Required = true };
        var output = new Option<DirectoryInfo>("--out") { Description = "Folder for the units (<output name>.npy).", Required = true };
        var temperature = new Option<double>("--temperature") { Description = "Sampling temperature (0 = arg-max).", DefaultValueFactory = _ => 0.8 };
        var topK = new Option<int>("--top-k") { Description = "Sample among the k likeliest units (0 = all).", DefaultValueFactory = _ => 20 };
        var seed = new Option<int>("--seed") { Description = "Seed of line i is seed + i.", DefaultValueFactory = _ => 0 };
        var threads = TorchThreadsOption.Create();
        var command = new Command("sample-text", "Speak phones with an autoregressive text-to-semantic checkpoint, as unit files.")
        {
            checkpoint, list, output, temperature, topK, seed, threads,
        };
        command.SetAction(r => TrainerErrors.Guard(() =>
        {
            TorchThreadsOption.Apply(r, threads);
            string path = r.GetValue(checkpoint)!.FullName;
            var loaded = TextCheckpoint.Load(path);
            if (loaded.FormatName != TextCheckpoint.AutoregressiveFormat)
                throw new ArgumentException($"{path}: a duration-model checkpoint; sample-text runs the autoregressive one (the duration model speaks through soundstorm speak).");
            var lines = ReadPhoneLines(r.GetValue(list)!.FullName, loaded.Phones);
            string folder = r.GetValue(output)!.FullName;
            Directory.CreateDirectory(folder);
            using var network = (AutoregressiveTextNetwork)TextNetworks.Create(loaded);
            StateDicts.Load(network.Model, loaded.Under(TextCheckpoint.ModelPrefix), path);
            for (int i = 0; i < lines.Count; i++)
            {
                var (phones, name) = lines[i];
                long[] units = AutoregressiveTextSampler.Generate(network.Model, phones, r.GetValue(temperature), r.GetValue(topK), r.GetValue(seed) + i);
                NpyFile.Write(Path.Combine(folder, name + ".npy"), new NpyArray(units, units.Length));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {phones.Length} phones → {units.Length} frames"));
            }
            return 0;
        }));
        return command;
    }

    // Each line's phones (text between slashes) as ids of the checkpoint's symbols, and its output's name without extension.
    private static List<(long[] Phones, string Name)> ReadPhoneLines(string path, IReadOnlyList<string> symbols)
    {
        var ids = symbols.Select((s, i) => (s, i)).ToDictionary(p => p.s, p => (long)p.i, StringComparer.Ordinal);
        var result = new List<(long[], string)>();
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            if (line.Length == 0) continue;
            string[] fields = line.Split('\t');
            string text = fields[0];
            if (fields.Length < 3 || text.Length < 2 || text[0] != '/' || text[^1] != '/')
                throw new ArgumentException($"{path}:{number}: expected '/PHONES/<TAB>prompt<TAB>output', found '{line}'.");
            var phones = text[1..^1].Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(p => ids.TryGetValue(p, out long id) ? id
                : throw new ArgumentException($"{path}:{number}: phone '{p}' is not one of the checkpoint's ({string.Join(' ', symbols)}).")).ToArray();
            result.Add((phones, Path.GetFileNameWithoutExtension(fields[2])));
        }
        return result;
    }
}
