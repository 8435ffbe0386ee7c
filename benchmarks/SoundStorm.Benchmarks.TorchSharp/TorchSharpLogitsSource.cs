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

    private sealed class Workspace(PaperAcousticModel model, int batch, int frames) : ILogitsWorkspace
    {
        private readonly long[] _tokens = new long[batch * frames * model.Config.Codebooks];
        private readonly long[] _semantic = new long[batch * frames];
        private readonly bool[] _padding = new bool[batch * frames];
        private readonly float[] _logits = new float[batch * frames * model.Config.CodebookSize];

        public int Batch => batch;
        public int Frames => frames;
        public Span<long> Tokens => _tokens;
        public Span<long> Semantic => _semantic;
        public Span<bool> Padding => _padding;
        public ReadOnlySpan<float> Logits => _logits;

        public void Run(long condition, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var tokens = tensor(_tokens, [batch, frames, model.Config.Codebooks]);
            var semantic = tensor(_semantic, [batch, frames]);
            var padding = tensor(_padding, [batch, frames]);
            var logits = model.Head(model.Encode(model.Combine(tokens, padding), semantic, padding), (int)condition).contiguous();
            logits.data<float>().CopyTo(_logits);
        }

        public void Dispose() { }
    }
}
