using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx.Generation.Graphs;

/// <summary>
/// The seed family's graphs behind the generator's grid (docs/graph-contract.md): the sampler works on a grid with
/// the prompt as leading frames, while the seed network sees only the frames to generate and takes the prompt as a
/// cross-attention condition (its semantic tokens and codebook 0 of its codes). Each step copies the generated
/// frames into the graph's buffers and the logits back; everything is allocated once per run. Where the package has
/// a condition graph, it turns the condition into every block's cross-attention keys and values once, at the first
/// step, and the transformer reads them at every step; older packages' transformers take the tokens and redo that
/// work in every call.
/// </summary>
internal sealed class SeedOnnxLogitsSource : ILogitsSource, IDisposable
{
    private readonly InferenceSession _combiner;
    private readonly InferenceSession _transformer;
    private readonly InferenceSession? _condition;
    private readonly int _dim;
    private static readonly int[] FixedCrossAxes = [0, 2, 4]; // layers, heads, head width: the keys' and values' fixed axes
    private readonly long[] _crossShape = []; // their sizes

    private SeedOnnxLogitsSource(InferenceSession combiner, InferenceSession transformer, InferenceSession? condition, ModelManifest manifest)
    {
        _combiner = combiner;
        _transformer = transformer;
        _condition = condition;
        Codebooks = manifest.Codebooks;
        Classes = (int)manifest.MaskTokenId; // the network's classes: codes + two pad ids; the mask comes after them
        CodebookSize = manifest.CodebookSize;
        SemanticVocabulary = manifest.SemanticVocabulary;
        var embeddings = manifest.Graphs[GraphNames.Combiner].Outputs.First(o => o.Name == "embeddings");
        _dim = (int)(embeddings.Shape[2].Size ?? throw new ModelPackageException(ModelManifest.FileName, "graphs.combiner.outputs.embeddings.shape[2]", "a fixed width", embeddings.Shape[2].ToString()!));
        if (condition is not null)
        {
            var keys = manifest.Graphs[GraphNames.Condition].Outputs.First(o => o.Name == "cross_keys").Shape;
            _crossShape = [.. FixedCrossAxes.Select(axis => keys[axis].Size
                ?? throw new ModelPackageException(ModelManifest.FileName, $"graphs.condition.outputs.cross_keys.shape[{axis}]", "a fixed size", keys[axis].ToString()!))];
        }
        Resources.SessionsCreated(condition is null ? 2 : 3); // last: a refused package's sessions are released by Create, uncounted
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
        return AcousticSessions.Open(package, settings, (combiner, transformer) =>
        {
            var condition = package.Manifest.Graphs.ContainsKey(GraphNames.Condition) ? package.CreateSession(GraphNames.Condition, settings) : null;
            try
            {
                return new SeedOnnxLogitsSource(combiner, transformer, condition, package.Manifest);
            }
            catch
            {
                condition?.Dispose();
                throw;
            }
        });
    }

    public ILogitsWorkspace CreateWorkspace(int batch, int frames) => new Workspace(this, batch, frames);

    public void Dispose()
    {
        _combiner.Dispose();
        _transformer.Dispose();
        _condition?.Dispose();
        Resources.SessionsReleased(_condition is null ? 2 : 3);
    }

    private sealed class Workspace(SeedOnnxLogitsSource owner, int batch, int frames) : WorkspaceBuffers(batch, frames, owner.Codebooks, owner.LogitsWidth)
    {
        private static readonly string[] CombinerInputs = ["tokens"], CombinerOutputs = ["embeddings", "skip"], TransformerOutputs = ["logits"];
        private static readonly string[] ConditionTokens = ["prompt_semantic", "target_semantic", "prompt_acoustic"], ConditionOutputs = ["cross_keys", "cross_values"];
        private static readonly string[] SelfContainedInputs = ["embeddings", "skip", .. ConditionTokens, "padding_mask", "step"];
        private static readonly string[] CachedConditionInputs = ["embeddings", "skip", .. ConditionOutputs, "padding_mask", "step"];

        private readonly OrtValueBag _owned = new(owner.Resources);
        private readonly RunOptions _runOptions = new();
        private BatchLayout? _layout;
        private int _generated; // G: the longest generated part in the Batch
        private long[] _graphTokens = [], _step = [];
        private float[] _graphLogits = [];
        private OrtValue[] _combinerInputs = [], _combinerOutputs = [], _transformerInputs = [], _transformerOutputs = [];
        private GraphCall[] _everyStep = [], _firstStep = []; // the first step also runs the condition graph, when there is one
        private bool _firstDone;

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
            OrtValue[] tokens =
            [
                Own(OrtValue.CreateTensorValueFromMemory(promptSemantic, [Batch, prompt])),
                Own(OrtValue.CreateTensorValueFromMemory(targetSemantic, [Batch, _generated])),
                Own(OrtValue.CreateTensorValueFromMemory(promptAcoustic, [Batch, prompt])),
            ];
            OrtValue[] conditionOrKeys = tokens;
            GraphCall? conditionCall = null;
            if (owner._condition is { } condition)
            {
                // Condition frames: [K, prompt…, K+1] ++ [K+2, target…, K+3] ++ the prompt's codes.
                long conditionFrames = prompt + 2 + _generated + 2 + prompt;
                long[] shape = [owner._crossShape[0], Batch, owner._crossShape[1], conditionFrames, owner._crossShape[2]];
                long size = shape.Aggregate(1L, (a, b) => a * b);
                conditionOrKeys =
                [
                    Own(OrtValue.CreateTensorValueFromMemory(new float[size], shape)),
                    Own(OrtValue.CreateTensorValueFromMemory(new float[size], shape)),
                ];
                conditionCall = new GraphCall(condition, ConditionTokens, tokens, ConditionOutputs, conditionOrKeys);
            }
            _transformerInputs =
            [
                embeddings, skip, .. conditionOrKeys,
                Own(OrtValue.CreateTensorValueFromMemory(padding, [Batch, _generated])),
                Own(OrtValue.CreateTensorValueFromMemory(_step, [Batch])),
            ];
            _transformerOutputs = [Own(OrtValue.CreateTensorValueFromMemory(_graphLogits, [Batch, _generated, q, owner.Classes]))];
            var combiner = new GraphCall(owner._combiner, CombinerInputs, _combinerInputs, CombinerOutputs, _combinerOutputs);
            var transformer = new GraphCall(owner._transformer, conditionCall is null ? SelfContainedInputs : CachedConditionInputs,
                _transformerInputs, TransformerOutputs, _transformerOutputs);
            _everyStep = [combiner, transformer];
            _firstStep = conditionCall is { } once ? [once, combiner, transformer] : _everyStep;
            _firstDone = false;
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
            GraphRunner.Run(_runOptions, _firstDone ? _everyStep : _firstStep, cancellationToken);
            _firstDone = true;
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
