using SoundStorm.Onnx.Generation;
using SoundStorm.Onnx.Generation.Graphs;
using SoundStorm.Trainer.Seed;
using static TorchSharp.torch;

namespace SoundStorm.Benchmarks.TorchSharp;

/// <summary>
/// The seed network in TorchSharp (eager libtorch) behind the generator's logits interface, fed exactly as the seed
/// graphs are (docs/graph-contract.md): the generated frames' codes codebook-major, the prompt's semantic tokens and
/// codebook 0 as the cross-attention condition with upstream's pad ids, the diffusion step per item. The C# diffusion
/// samplers then drive both engines with the same weights and seeds.
/// </summary>
internal sealed class TorchSharpSeedLogitsSource(SeedDiffusionTransformer model) : ILogitsSource
{
    private SeedDiffusionTransformer Model => model;

    public int Codebooks => model.Config.Codebooks;

    /// <summary>The network's classes per codebook: codes + two pad ids (the mask comes after them).</summary>
    public int Classes => model.Config.OutputClasses;

    public int LogitsWidth => Codebooks * Classes;

    public ILogitsWorkspace CreateWorkspace(int batch, int frames) => new Workspace(this, batch, frames);

    private sealed class Workspace(TorchSharpSeedLogitsSource owner, int batch, int frames)
        : WorkspaceBuffers(batch, frames, owner.Codebooks, owner.LogitsWidth)
    {
        private BatchLayout? _layout;
        private int _generated;
        private long[] _graphTokens = [];
        private Tensor? _promptSemantic, _targetSemantic, _promptAcoustic, _padding;

        public override void Prepare(BatchLayout layout)
        {
            _layout = layout;
            var c = owner.Model.Config;
            int q = c.Codebooks, prompt = layout.PromptFrames.Max();
            _generated = layout.GeneratedFrames.Max();
            var promptSemantic = new long[Batch * prompt];
            var promptAcoustic = new long[Batch * q * prompt];
            var targetSemantic = new long[Batch * _generated];
            var padding = new bool[Batch * _generated];
            Array.Fill(promptSemantic, c.SemanticVocab + 1);
            Array.Fill(promptAcoustic, c.CodebookSize);
            Array.Fill(targetSemantic, c.SemanticVocab + 3);
            Array.Fill(padding, true);
            for (int b = 0; b < Batch; b++)
            {
                int tp = layout.PromptFrames[b], gen = layout.GeneratedFrames[b];
                SemanticArray.AsSpan(layout.Cell(b, 0), tp).CopyTo(promptSemantic.AsSpan(b * prompt));
                for (int f = 0; f < tp; f++) promptAcoustic[b * q * prompt + f] = TokenArray[layout.Index(b, f, 0)]; // codebook 0 only
                SemanticArray.AsSpan(layout.Cell(b, tp), gen).CopyTo(targetSemantic.AsSpan(b * _generated));
                padding.AsSpan(b * _generated, gen).Clear();
            }
            _graphTokens = new long[Batch * _generated * q];
            _promptSemantic = tensor(promptSemantic, [Batch, prompt]);
            _promptAcoustic = tensor(promptAcoustic, [Batch, q, prompt]);
            _targetSemantic = tensor(targetSemantic, [Batch, _generated]);
            _padding = tensor(padding, [Batch, _generated]);
        }

        public override void Run(long condition, CancellationToken cancellationToken)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var layout = _layout ?? throw new InvalidOperationException("Prepare must be called before Run.");
            var c = owner.Model.Config;
            int q = c.Codebooks, classes = owner.Classes, width = owner.LogitsWidth;
            Array.Fill(_graphTokens, c.CodebookSize + 1L); // upstream's target pad id
            for (int b = 0; b < Batch; b++)
            {
                int tp = layout.PromptFrames[b], gen = layout.GeneratedFrames[b];
                TokenArray.AsSpan(layout.Index(b, tp, 0), gen * q).CopyTo(_graphTokens.AsSpan(b * _generated * q));
            }
            using var noGrad = no_grad();
            using var scope = NewDisposeScope();
            var noisy = tensor(_graphTokens, [Batch, _generated, q]).permute(0, 2, 1).reshape(Batch, q * _generated); // codebook-major
            var steps = full([Batch], condition, dtype: ScalarType.Int64);
            var logits = owner.Model.forward(new SeedInputs(noisy, _promptSemantic!, _targetSemantic!, _promptAcoustic!, _padding!, steps));
            // (B, C, Q·G) codebook-major → [B, G, Q, C], as the graph returns them.
            var frameMajor = logits.transpose(1, 2).reshape(Batch, q, _generated, classes).permute(0, 2, 1, 3).contiguous();
            var values = frameMajor.data<float>();
            for (int b = 0; b < Batch; b++)
            {
                int tp = layout.PromptFrames[b], gen = layout.GeneratedFrames[b];
                values.CopyTo(LogitsArray.AsSpan(layout.Cell(b, tp) * width, gen * width), 0, (long)b * _generated * width);
            }
        }

        public override void Dispose()
        {
            _promptSemantic?.Dispose();
            _targetSemantic?.Dispose();
            _promptAcoustic?.Dispose();
            _padding?.Dispose();
            base.Dispose();
        }
    }
}
