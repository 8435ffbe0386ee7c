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

    private sealed class Workspace(SeedOnnxLogitsSource owner, int batch, int frames) : ILogitsWorkspace
    {
        private static readonly string[] CombinerInputs = ["tokens"], CombinerOutputs = ["embeddings", "skip"], TransformerOutputs = ["logits"];
        private static readonly string[] TransformerInputs = ["embeddings", "skip", "prompt_semantic", "target_semantic", "prompt_acoustic", "padding_mask", "step"];

        private readonly long[] _tokens = new long[batch * frames * owner.Codebooks];
        private readonly long[] _semantic = new long[batch * frames];
        private readonly bool[] _padding = new bool[batch * frames];
        private readonly float[] _logits = new float[batch * frames * owner.LogitsWidth];
        private readonly OrtValueBag _owned = new(owner.Resources);
        private readonly RunOptions _runOptions = new();
        private BatchLayout? _layout;
        private int _generated; // G: the longest generated part in the batch
        private long[] _graphTokens = [], _step = [];
        private float[] _graphLogits = [];
        private OrtValue[] _combinerInputs = [], _combinerOutputs = [], _transformerInputs = [], _transformerOutputs = [];

        public int Batch => batch;
        public int Frames => frames;
        public Span<long> Tokens => _tokens;
        public Span<long> Semantic => _semantic;
        public Span<bool> Padding => _padding;
        public ReadOnlySpan<float> Logits => _logits;

        public void Prepare(BatchLayout layout)
        {
            _layout = layout;
            int q = owner.Codebooks, k = owner.SemanticVocabulary, v = owner.CodebookSize;
            int prompt = layout.PromptFrames.Max();
            _generated = layout.GeneratedFrames.Max();
            // Upstream's pad ids: prompt semantic K+1, target semantic K+3, prompt codes V (prompts of different lengths
            // are padded, unmasked, as upstream batches them).
            var promptSemantic = new long[batch * prompt];
            var promptAcoustic = new long[batch * prompt];
            var targetSemantic = new long[batch * _generated];
            var padding = new bool[batch * _generated];
            Array.Fill(promptSemantic, k + 1);
            Array.Fill(promptAcoustic, v);
            Array.Fill(targetSemantic, k + 3);
            Array.Fill(padding, true);
            for (int b = 0; b < batch; b++)
            {
                int tp = layout.PromptFrames[b], gen = layout.GeneratedFrames[b];
                for (int f = 0; f < tp; f++)
                {
                    promptSemantic[b * prompt + f] = _semantic[b * frames + f];
                    promptAcoustic[b * prompt + f] = _tokens[(b * frames + f) * q];
                }
                for (int f = 0; f < gen; f++)
                {
                    targetSemantic[b * _generated + f] = _semantic[b * frames + tp + f];
                    padding[b * _generated + f] = false;
                }
            }
            _graphTokens = new long[batch * _generated * q];
            _step = new long[batch];
            _graphLogits = new float[batch * _generated * owner.LogitsWidth];
            var embeddings = Own(OrtValue.CreateTensorValueFromMemory(new float[batch * _generated * owner._dim], [batch, _generated, owner._dim]));
            var skip = Own(OrtValue.CreateTensorValueFromMemory(new float[batch * owner._dim * q * _generated], [batch, owner._dim, q, _generated]));
            _combinerInputs = [Own(OrtValue.CreateTensorValueFromMemory(_graphTokens, [batch, _generated, q]))];
            _combinerOutputs = [embeddings, skip];
            _transformerInputs =
            [
                embeddings, skip,
                Own(OrtValue.CreateTensorValueFromMemory(promptSemantic, [batch, prompt])),
                Own(OrtValue.CreateTensorValueFromMemory(targetSemantic, [batch, _generated])),
                Own(OrtValue.CreateTensorValueFromMemory(promptAcoustic, [batch, prompt])),
                Own(OrtValue.CreateTensorValueFromMemory(padding, [batch, _generated])),
                Own(OrtValue.CreateTensorValueFromMemory(_step, [batch])),
            ];
            _transformerOutputs = [Own(OrtValue.CreateTensorValueFromMemory(_graphLogits, [batch, _generated, q, owner.Classes]))];
        }

        public void Run(long condition, CancellationToken cancellationToken)
        {
            var layout = _layout ?? throw new InvalidOperationException("Prepare must be called before Run.");
            int q = owner.Codebooks, width = owner.LogitsWidth;
            long targetPad = owner.CodebookSize + 1;
            Array.Fill(_step, condition);
            Array.Fill(_graphTokens, targetPad);
            for (int b = 0; b < batch; b++)
            {
                int tp = layout.PromptFrames[b], gen = layout.GeneratedFrames[b];
                _tokens.AsSpan((b * frames + tp) * q, gen * q).CopyTo(_graphTokens.AsSpan(b * _generated * q));
            }
            GraphRunner.Run(_runOptions,
            [
                new GraphCall(owner._combiner, CombinerInputs, _combinerInputs, CombinerOutputs, _combinerOutputs),
                new GraphCall(owner._transformer, TransformerInputs, _transformerInputs, TransformerOutputs, _transformerOutputs),
            ], cancellationToken);
            for (int b = 0; b < batch; b++)
            {
                int tp = layout.PromptFrames[b], gen = layout.GeneratedFrames[b];
                _graphLogits.AsSpan(b * _generated * width, gen * width).CopyTo(_logits.AsSpan((b * frames + tp) * width));
            }
        }

        public void Dispose()
        {
            _owned.Dispose();
            _runOptions.Dispose();
        }

        private OrtValue Own(OrtValue value) => _owned.Own(value);
    }
}
