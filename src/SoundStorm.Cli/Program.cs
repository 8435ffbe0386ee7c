return await SoundStorm.Cli.CliApp.RunAsync(args);
