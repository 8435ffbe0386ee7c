using SoundStorm.Export.Codec;
using SoundStorm.Trainer.Training;
using static TorchSharp.torch;

namespace SoundStorm.Trainer.Codec.Training;

/// <summary>
/// Keeps every codeword in use. Plain straight-through VQ leaves most codewords dead when training is short (only the
/// codewords nearest the early latents ever move), so: codebooks start as random latents of the data, and codewords no
/// crop chose since the last check are replaced by randomly drawn latents that reached that codebook. Usage is
/// counted per codebook between checks.
/// </summary>
internal sealed class CodebookRestarts
{
    private readonly GroupResidualQuantizer _quantizer;
    private readonly HifiCodecConfig _config;
    private readonly long[][] _usage;

    /// <summary>Tracks the codebooks of <paramref name="quantizer"/>.</summary>
    public CodebookRestarts(GroupResidualQuantizer quantizer, HifiCodecConfig config)
    {
        (_quantizer, _config) = (quantizer, config);
        _usage = Enumerable.Range(0, config.CodesPerFrame).Select(_ => new long[config.CodebookSize]).ToArray();
    }

    /// <summary>Adds the codes [B, T, L·G] of one batch to the usage counts.</summary>
    public void Count(Tensor codes)
    {
        using var cpu = codes.detach().cpu().reshape(-1, _config.CodesPerFrame).contiguous();
        var values = cpu.data<long>().ToArray();
        for (int i = 0; i < values.Length; i++) _usage[i % _config.CodesPerFrame][values[i]]++;
    }

    /// <summary>
    /// Replaces the unused codewords of every codebook with rows drawn from the latents each level quantised
    /// (<see cref="GroupResidualQuantizer.Result.LevelInputs"/>), then resets the counts. Returns how many were replaced.
    /// </summary>
    public int Restart(IReadOnlyList<Tensor> levelInputs, StepRandom random)
    {
        int replaced = 0;
        LastUsedFraction = UsedFraction;
        for (int level = 0; level < _config.ResidualLevels; level++)
            replaced += Replace(level, levelInputs[level], random, k => _usage[k.Book][k.Word] == 0);
        foreach (var u in _usage) Array.Clear(u);
        return replaced;
    }

    /// <summary>Sets every codeword of <paramref name="level"/> to a random row of what that level quantises (data-dependent initialisation).</summary>
    public void Initialize(int level, Tensor levelInput, StepRandom random) => Replace(level, levelInput, random, _ => true);

    private int Replace(int level, Tensor levelInput, StepRandom random, Func<(int Book, int Word), bool> replace)
    {
        int replaced = 0;
        using var scope = NewDisposeScope();
        using var _ = no_grad();
        var parts = levelInput.split(_config.GroupDim, 1);
        long rows = parts[0].shape[0];
        for (int group = 0; group < _config.CodeGroups; group++)
        {
            int book = level * _config.CodeGroups + group;
            var dead = Enumerable.Range(0, _config.CodebookSize).Where(k => replace((book, k))).Select(k => (long)k).ToArray();
            if (dead.Length == 0) continue;
            var picks = dead.Select(_ => (long)random.NextInt((int)rows)).ToArray();
            var drawn = parts[group].index_select(0, tensor(picks));
            _quantizer.At(level, group).Weight.index_copy_(0, tensor(dead), drawn);
            replaced += dead.Length;
        }
        return replaced;
    }

    /// <summary>The usage counts since the last restart, [codebooks · codewords] row-major (saved in checkpoints so a resume restarts the same codewords).</summary>
    public long[] Usage
    {
        get => _usage.SelectMany(u => u).ToArray();
        set
        {
            if (value.Length != _usage.Length * _config.CodebookSize)
                throw new ArgumentException($"usage counts: expected {_usage.Length * _config.CodebookSize} values, found {value.Length}.");
            for (int b = 0; b < _usage.Length; b++) Array.Copy(value, b * _config.CodebookSize, _usage[b], 0, _config.CodebookSize);
        }
    }

    /// <summary><see cref="UsedFraction"/> just before the latest restart (0 before the first).</summary>
    public double LastUsedFraction { get; private set; }

    /// <summary>Codewords used at least once since the last restart, as a fraction of all codewords.</summary>
    public double UsedFraction => _usage.Sum(u => u.Count(c => c > 0)) / (double)(_usage.Length * _config.CodebookSize);
}
