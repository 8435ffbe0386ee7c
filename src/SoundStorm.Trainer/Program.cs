using SoundStorm.Trainer.Seed;
using TorchSharp;

// Placeholder entry point until the training commands exist: proves that TorchSharp loads and that the seed-family
// network builds and runs one forward pass on this machine.
using var scope = torch.NewDisposeScope();
var config = SeedModelConfig.ReferenceTiny;
using var model = new SeedDiffusionTransformer(config);
model.eval();
const int frames = 8, promptFrames = 5;
var inputs = new SeedInputs(
    torch.full(1, config.Codebooks * frames, config.MaskId, dtype: torch.int64),
    torch.zeros(1, promptFrames, dtype: torch.int64),
    torch.zeros(1, frames, dtype: torch.int64),
    torch.zeros(1, config.Codebooks, promptFrames, dtype: torch.int64),
    torch.zeros(1, frames, dtype: torch.@bool),
    torch.tensor(new long[] { 99 }));
using (torch.no_grad())
{
    var logits = model.forward(inputs);
    Console.WriteLine($"TorchSharp {torch.__version__}: seed network logits [{string.Join(", ", logits.shape)}]");
}
