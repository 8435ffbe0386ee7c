using System.CommandLine;
using SoundStorm.Cli;

var root = new RootCommand("soundstorm: SoundStorm-style parallel speech generation on ONNX Runtime");
foreach (var command in Commands.All()) root.Subcommands.Add(command);
return await root.Parse(args).InvokeAsync();
