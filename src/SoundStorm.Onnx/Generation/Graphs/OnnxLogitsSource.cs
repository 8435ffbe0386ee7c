using Microsoft.ML.OnnxRuntime;
using SoundStorm.Onnx.Packages;
using SoundStorm.Onnx.Sessions;

namespace SoundStorm.Onnx.Generation.Graphs;

/// <summary>
/// The production logits source: the package's combiner graph turns the token grid into embeddings (plus any skip
/// tensors), the transformer graph turns them into logits for one level (docs/graph-contract.md).
/// </summary>
internal sealed class OnnxLogitsSource : ILogitsSource, IDisposable
{
    private readonly InferenceSession _combiner;
    private readonly InferenceSession _transformer;
    private readonly TensorSpec[] _combinerOutputs;

    private OnnxLogitsSource(InferenceSession combiner, InferenceSession transformer, ModelManifest manifest)
    {
        _combiner = combiner;
        _transformer = transformer;
        Resources.SessionsCreated(2);
        Codebooks = manifest.Codebooks;
        LogitsWidth = manifest.CodebookSize;
        var combinerEntry = manifest.Graphs[GraphNames.Combiner];
        // Embeddings first, then every skip tensor the transformer reads; combiner outputs nobody reads are still bound.
        _combinerOutputs = [.. combinerEntry.Outputs.OrderBy(o => o.Name == "embeddings" ? 0 : 1)];
        TransformerInputs = [.. manifest.Graphs[GraphNames.Transformer].Inputs.Select(i => i.Name)];
        CombinerInputs = [.. combinerEntry.Inputs.Select(i => i.Name)];
    }

    internal string[] CombinerInputs { get; }

    /// <summary>The sessions and OrtValues this source and its workspaces hold (leak tests read it).</summary>
    internal NativeResources Resources { get; } = new();

    public int Codebooks { get; }

    public int LogitsWidth { get; }

    internal string[] TransformerInputs { get; }

    public static OnnxLogitsSource Create(ModelPackage package, SessionSettings settings)
    {
        return AcousticSessions.Open(package, settings, (combiner, transformer) => new OnnxLogitsSource(combiner, transformer, package.Manifest));
    }

    public ILogitsWorkspace CreateWorkspace(int batch, int frames) => new Workspace(this, batch, frames);

    public void Dispose()
    {
        _combiner.Dispose();
        _transformer.Dispose();
        Resources.SessionsReleased(2);
    }

    /// <summary>Managed buffers pinned under OrtValues, created once per run so that steps only copy nothing and call Run.</summary>
    private sealed class Workspace : WorkspaceBuffers
    {
        private readonly OnnxLogitsSource _owner;
        private readonly long[] _level = new long[1];
        private readonly OrtValueBag _owned;
        private readonly string[] _combinerInputNames, _combinerOutputNames, _transformerInputNames, _transformerOutputNames = ["logits"];
        private readonly OrtValue[] _combinerInputs, _combinerOutputs, _transformerInputs, _transformerOutputs;
        private readonly RunOptions _runOptions = new();

        public Workspace(OnnxLogitsSource owner, int batch, int frames)
            : base(batch, frames, owner.Codebooks, owner.LogitsWidth)
        {
            _owner = owner;
            _owned = new(owner.Resources);
            int q = owner.Codebooks;
            try
            {
                var tokens = Own(OrtValue.CreateTensorValueFromMemory(TokenArray, [batch, frames, q]));
                var padding = Own(OrtValue.CreateTensorValueFromMemory(PaddingArray, [batch, frames]));
                _combinerInputNames = owner.CombinerInputs;
                _combinerInputs = [.. _combinerInputNames.Select(name => name == "padding_mask" ? padding : tokens)];
                var produced = new Dictionary<string, OrtValue>();
                foreach (var spec in owner._combinerOutputs)
                    produced[spec.Name] = Own(OrtValue.CreateTensorValueFromMemory(new float[Count(spec, batch, frames, out var shape)], shape));
                _combinerOutputNames = [.. owner._combinerOutputs.Select(s => s.Name)];
                _combinerOutputs = [.. _combinerOutputNames.Select(n => produced[n])];

                var semantic = Own(OrtValue.CreateTensorValueFromMemory(SemanticArray, [batch, frames]));
                var level = Own(OrtValue.CreateTensorValueFromMemory(_level, [1]));
                _transformerInputNames = owner.TransformerInputs;
                _transformerInputs = [.. _transformerInputNames.Select(name => name switch
                {
                    "semantic" => semantic,
                    "padding_mask" => padding,
                    "level" => level,
                    _ => produced[name], // embeddings and skip tensors
                })];
                _transformerOutputs = [Own(OrtValue.CreateTensorValueFromMemory(LogitsArray, [batch, frames, owner.LogitsWidth]))];
            }
            catch
            {
                Dispose();
                throw;
            }
        }

        public override void Run(long condition, CancellationToken cancellationToken)
        {
            _level[0] = condition;
            GraphRunner.Run(_runOptions,
            [
                new GraphCall(_owner._combiner, _combinerInputNames, _combinerInputs, _combinerOutputNames, _combinerOutputs),
                new GraphCall(_owner._transformer, _transformerInputNames, _transformerInputs, _transformerOutputNames, _transformerOutputs),
            ], cancellationToken);
        }

        public override void Dispose()
        {
            _owned.Dispose();
            _runOptions.Dispose();
            base.Dispose();
        }

        private OrtValue Own(OrtValue value) => _owned.Own(value);

        private static int Count(TensorSpec spec, int batch, int frames, out long[] shape)
        {
            if (spec.ElementType != "float")
                throw new NotSupportedException($"Combiner output '{spec.Name}' is {spec.ElementType}; the generator binds float outputs only.");
            shape = new long[spec.Shape.Count];
            long count = 1;
            for (int i = 0; i < shape.Length; i++)
            {
                var d = spec.Shape[i];
                shape[i] = d.Symbol switch
                {
                    null => d.Size!.Value,
                    "batch" => batch,
                    "frames" => frames,
                    _ => throw new NotSupportedException(
                        $"Combiner output '{spec.Name}' has dimension '{d.Symbol}'; only 'batch', 'frames' and fixed sizes can be pre-allocated."),
                };
                count *= shape[i];
            }
            return checked((int)count);
        }
    }
}
