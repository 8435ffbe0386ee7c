using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx.Generation.Graphs;

/// <summary>
/// The seed family's graphs behind the generator's grid (docs/graph-contract.md): the sampler works on a grid with
/// the prompt as leading frames, while the seed network sees only the frames to generate and takes the prompt as a
/// cross-attention condition (its semantic tokens and codebook 0 of its codes). Each step copies the generated
/// frames into the graph's buffers and the logits back; everything is allocated once per run.
/// </summary>
internal sealed class SeedOnnxLogitsSource : ILogitsSource, IDisposable
{
    private readonly InferenceSession _combiner;
    private readonly InferenceSession _transformer;
    private readonly int _dim;

    private SeedOnnxLogitsSource(InferenceSession combiner, InferenceSession transformer, ModelManifest manifest)
    {
        _combiner = combiner;
        _transformer = transformer;
        Resources.SessionsCreated(2);
        Codebooks = manifest.Codebooks;
        Classes = (int)manifest.MaskTokenId; // the network's classes: codes + two pad ids; the mask comes after them
        CodebookSize = manifest.CodebookSize;
        SemanticVocabulary = manifest.SemanticVocabulary;
        var embeddings = manifest.Graphs[GraphNames.Combiner].Outputs.First(o => o.Name == "embeddings");
        _dim = (int)(embeddings.Shape[2].Size ?? throw new ModelPackageException(ModelManifest.FileName, "graphs.combiner.outputs.embeddings.shape[2]", "a fixed width", embeddings.Shape[2].ToString()!));
    }

    /// <summary>The sessions and OrtValues this source and its workspaces hold (leak tests read it).</summary>
    internal NativeResources Resources { get; } = new();

    public int Codebooks { get; }

    public int Classes { get; }

    public int CodebookSize { get; }

    public int SemanticVocabulary { get; }

    /// <summary>All codebooks at once: Q × C scores per frame.</summary>
    public int LogitsWidth => Codebooks * Classes;

    public static SeedOnnxLogitsSource Create(ModelPackage package, SessionSettings settings)
    {
        return AcousticSessions.Open(package, settings, (combiner, transformer) => new SeedOnnxLogitsSource(combiner, transformer, package.Manifest));
    }

    public ILogitsWorkspace CreateWorkspace(int batch, int frames) => new Workspace(this, batch, frames);

    public void Dispose()
    {
        _combiner.Dispose();
        _transformer.Dispose();
        Resources.SessionsReleased(2);
    }

    private sealed class Workspace(SeedOnnxLogitsSource owner, int batch, int frames) : WorkspaceBuffers(batch, frames, owner.Codebooks, owner.LogitsWidth)
    {
        private static readonly string[] CombinerInputs = ["tokens"], CombinerOutputs = ["embeddings", "skip"], TransformerOutputs = ["logits"];
        private static readonly string[] TransformerInputs = ["embeddings", "skip", "prompt_semantic", "target_semantic", "prompt_acoustic", "padding_mask", "step"];

        private readonly OrtValueBag _owned = new(owner.Resources);
        private readonly RunOptions _runOptions = new();
        private BatchLayout? _layout;
        private int _generated; // G: the longest generated part in the Batch
        private long[] _graphTokens = [], _step = [];
        private float[] _graphLogits = [];
        private OrtValue[] _combinerInputs = [], _combinerOutputs = [], _transformerInputs = [], _transformerOutputs = [];

        public override void Prepare(BatchLayout layout)
        {
            _layout = layout;
            int q = owner.Codebooks, k = owner.SemanticVocabulary, v = owner.CodebookSize;
            int prompt = layout.PromptFrames.Max();
            _generated = layout.GeneratedFrames.Max();
            // Upstream's pad ids: prompt semantic K+1, target semantic K+3, prompt codes V (prompts of different lengths
            // are padded, unmasked, as upstream batches them).
            var promptSemantic = new long[Batch * prompt];
            var promptAcoustic = new long[Batch * prompt];
            var targetSemantic = new long[Batch * _generated];
            var padding = new bool[Batch * _generated];
            Array.Fill(promptSemantic, k + 1);
            Array.Fill(promptAcoustic, v);
            Array.Fill(targetSemantic, k + 3);
            Array.Fill(padding, true);
            for (int b = 0; b < Batch; b++)
            {
                int tp = layout.PromptFrames[b], gen = layout.GeneratedFrames[b];
                SemanticArray.AsSpan(layout.Cell(b, 0), tp).CopyTo(promptSemantic.AsSpan(b * prompt));
                for (int f = 0; f < tp; f++) promptAcoustic[b * prompt + f] = TokenArray[layout.Index(b, f, 0)]; // codebook 0 only
                SemanticArray.AsSpan(layout.Cell(b, tp), gen).CopyTo(targetSemantic.AsSpan(b * _generated));
                padding.AsSpan(b * _generated, gen).Clear();
            }
            _graphTokens = new long[Batch * _generated * q];
            _step = new long[Batch];
            _graphLogits = new float[Batch * _generated * owner.LogitsWidth];
            var embeddings = Own(OrtValue.CreateTensorValueFromMemory(new float[Batch * _generated * owner._dim], [Batch, _generated, owner._dim]));
            var skip = Own(OrtValue.CreateTensorValueFromMemory(new float[Batch * owner._dim * q * _generated], [Batch, owner._dim, q, _generated]));
            _combinerInputs = [Own(OrtValue.CreateTensorValueFromMemory(_graphTokens, [Batch, _generated, q]))];
            _combinerOutputs = [embeddings, skip];
            _transformerInputs =
            [
                embeddings, skip,
                Own(OrtValue.CreateTensorValueFromMemory(promptSemantic, [Batch, prompt])),
                Own(OrtValue.CreateTensorValueFromMemory(targetSemantic, [Batch, _generated])),
                Own(OrtValue.CreateTensorValueFromMemory(promptAcoustic, [Batch, prompt])),
                Own(OrtValue.CreateTensorValueFromMemory(padding, [Batch, _generated])),
                Own(OrtValue.CreateTensorValueFromMemory(_step, [Batch])),
            ];
            _transformerOutputs = [Own(OrtValue.CreateTensorValueFromMemory(_graphLogits, [Batch, _generated, q, owner.Classes]))];
        }

        public override void Run(long condition, CancellationToken cancellationToken)
        {
            var layout = _layout ?? throw new InvalidOperationException("Prepare must be called before Run.");
            int q = owner.Codebooks, width = owner.LogitsWidth;
            long targetPad = owner.CodebookSize + 1;
            Array.Fill(_step, condition);
            Array.Fill(_graphTokens, targetPad);
            for (int b = 0; b < Batch; b++)
            {
                int tp = layout.PromptFrames[b], gen = layout.GeneratedFrames[b];
                TokenArray.AsSpan(layout.Index(b, tp, 0), gen * q).CopyTo(_graphTokens.AsSpan(b * _generated * q));
            }
            GraphRunner.Run(_runOptions,
            [
                new GraphCall(owner._combiner, CombinerInputs, _combinerInputs, CombinerOutputs, _combinerOutputs),
                new GraphCall(owner._transformer, TransformerInputs, _transformerInputs, TransformerOutputs, _transformerOutputs),
            ], cancellationToken);
            for (int b = 0; b < Batch; b++)
            {
                int tp = layout.PromptFrames[b], gen = layout.GeneratedFrames[b];
                _graphLogits.AsSpan(b * _generated * width, gen * width).CopyTo(LogitsArray.AsSpan(layout.Cell(b, tp) * width));
            }
        }

        public override void Dispose()
        {
            _owned.Dispose();
            _runOptions.Dispose();
            base.Dispose();
        }

        private OrtValue Own(OrtValue value) => _owned.Own(value);
    }
}
