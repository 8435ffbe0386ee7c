using System.CommandLine;
using Microsoft.ML.OnnxRuntime;
using Spectre.Console;
using SoundStorm.Export.Packaging;
using SoundStorm.Onnx;

namespace SoundStorm.Cli;

/// <summary><c>soundstorm info [--model DIR]</c>: what a package holds, and which providers this machine has.</summary>
internal static class InfoCommand
{
    public static Command Create()
    {
        var model = new Option<string?>("--model") { Description = "Model package folder or zip to describe." };
        var command = new Command("info", "Describe a model package and this machine's ONNX Runtime providers.") { model };
        command.SetAction(result => CliErrors.Guard(() => Run(result.GetValue(model))));
        return command;
    }

    internal static int Run(string? model)
    {
        Console.WriteLine($"ONNX Runtime providers: {string.Join(", ", OrtEnv.Instance().GetAvailableProviders())}");
        string path;
        try
        {
            path = ModelLocator.Resolve(model);
        }
        catch (CliException) when (model is null)
        {
            Console.WriteLine("No model package (pass --model DIR).");
            return 0;
        }
        using var package = ModelPackage.Load(path);
        // The runtime validated the package; the graph listing reads its manifest.json through the writer's schema.
        var m = ModelManifest.FromJson(File.ReadAllText(Path.Combine(package.RootDirectory, ModelManifest.FileName)));
        var table = new Table().AddColumns("field", "value");
        table.AddRow("package", Markup.Escape(path));
        table.AddRow("name", Markup.Escape(m.Name ?? "-"));
        table.AddRow("family", m.ModelFamily);
        table.AddRow("rates", $"{m.SampleRate} Hz audio, {m.FrameRate} frames/s");
        table.AddRow("codebooks × size", $"{m.Codebooks} × {m.CodebookSize} (mask id {m.MaskTokenId})");
        table.AddRow("semantic vocabulary", m.SemanticVocabulary.ToString(System.Globalization.CultureInfo.InvariantCulture));
        foreach (var (role, entry) in m.Graphs)
            table.AddRow(role, Markup.Escape($"{entry.File}{(entry.Quantization is { } q ? $" ({q})" : "")}: in {string.Join(", ", entry.Inputs.Select(i => $"{i.Name}[{string.Join(",", i.Shape)}]"))} → out {string.Join(", ", entry.Outputs.Select(o => $"{o.Name}[{string.Join(",", o.Shape)}]"))}"));
        AnsiConsole.Write(table);
        return 0;
    }
}
