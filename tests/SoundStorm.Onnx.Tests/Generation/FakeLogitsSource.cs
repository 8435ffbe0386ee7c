using SoundStorm.Onnx.Generation.Graphs;

namespace SoundStorm.Onnx.Tests.Generation;

/// <summary>Computes the logits of one frame from its request's visible grid; must not allocate.</summary>
/// <param name="rowTokens">The request's non-padding frames [frames, Q].</param>
/// <param name="rowSemantic">The request's semantic tokens [frames].</param>
/// <param name="frame">The frame whose logits to write.</param>
/// <param name="level">The level asked for.</param>
/// <param name="logits">Destination [width].</param>
internal delegate void FrameLogits(ReadOnlySpan<long> rowTokens, ReadOnlySpan<long> rowSemantic, int frame, int level, Span<float> logits);

/// <summary>A C# stand-in for the combiner + transformer graphs.</summary>
internal sealed class FakeLogitsSource(int codebooks, int width, FrameLogits function) : ILogitsSource
{
    public int Codebooks => codebooks;

    public int LogitsWidth => width;

    public List<long> Calls { get; } = new(4096); // pre-sized: recording must not allocate

    public ILogitsWorkspace CreateWorkspace(int batch, int frames) => new Workspace(this, batch, frames);

    private sealed class Workspace(FakeLogitsSource owner, int batch, int frames) : WorkspaceBuffers(batch, frames, owner.Codebooks, owner.LogitsWidth)
    {
        public override void Run(long condition, CancellationToken cancellationToken)
        {
            int q = owner.Codebooks, v = owner.LogitsWidth;
            if (owner.Calls.Count < owner.Calls.Capacity) owner.Calls.Add(condition);
            for (int b = 0; b < Batch; b++)
            {
                int valid = 0;
                while (valid < Frames && !PaddingArray[b * Frames + valid]) valid++;
                var rowTokens = TokenArray.AsSpan(b * Frames * q, valid * q);
                var rowSemantic = SemanticArray.AsSpan(b * Frames, valid);
                for (int f = 0; f < Frames; f++)
                {
                    var logits = LogitsArray.AsSpan((b * Frames + f) * v, v);
                    if (f < valid) owner._function(rowTokens, rowSemantic, f, (int)condition, logits);
                    else logits.Fill(float.NaN); // padding: the sampler must never look here
                }
            }
        }
    }

    private readonly FrameLogits _function = function;
}
