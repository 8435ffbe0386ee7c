return await SoundStorm.Trainer.Cli.TrainerApp.RunAsync(args);
