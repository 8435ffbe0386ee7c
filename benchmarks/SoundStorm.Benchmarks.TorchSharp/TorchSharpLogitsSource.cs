using SoundStorm.Trainer.Paper;
using static TorchSharp.torch;
using SoundStorm.Onnx.Generation.Graphs;

namespace SoundStorm.Benchmarks.TorchSharp;

/// <summary>
/// The same network in TorchSharp (libtorch: the kernels PyTorch — and so the original Python code — runs on) behind
/// the generator's logits interface, so one C# sampler drives both engines with the same weights and schedule.
/// </summary>
internal sealed class TorchSharpLogitsSource(PaperAcousticModel model) : ILogitsSource
{
    public int Codebooks => model.Config.Codebooks;

    public int LogitsWidth => model.Config.CodebookSize;

    public ILogitsWorkspace CreateWorkspace(int batch, int frames) => new Workspace(model, batch, frames);

    private sealed class Workspace(PaperAcousticModel model, int batch, int frames)
        : WorkspaceBuffers(batch, frames, model.Config.Codebooks, model.Config.CodebookSize)
    {
        public override void Run(long condition, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var tokens = tensor(TokenArray, [Batch, Frames, model.Config.Codebooks]);
            var semantic = tensor(SemanticArray, [Batch, Frames]);
            var padding = tensor(PaddingArray, [Batch, Frames]);
            var logits = model.Head(model.Encode(model.Combine(tokens, padding), semantic, padding), (int)condition).contiguous();
            logits.data<float>().CopyTo(LogitsArray);
        }
    }
}
