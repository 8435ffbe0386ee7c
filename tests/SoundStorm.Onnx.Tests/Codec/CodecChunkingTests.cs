namespace SoundStorm.Onnx.Tests.Codec;

/// <summary>
/// Chunked codec runs on real speech, against one pass: the decoder (convolutional) equals it to float rounding at
/// every sample, for the shipped model and for the reference HiFi-Codec; the encoder places every chunk's codes where
/// one pass over that chunk puts them (its GroupNorm layers make the codes depend on the whole input, so chunked and
/// one-pass codes agree closely but not exactly).
/// </summary>
public sealed class CodecChunkingTests(FullPackageFixture fixture) : IClassFixture<FullPackageFixture>
{
    private static float[]? Speech(int seconds) => RecordedSpeech.Looped(seconds, "0880");

    public static TheoryData<string> Packages => new() { "default", "reference" };

    private string Folder(string which) => which == "default" ? TestPaths.DefaultModel() : fixture.PackageFolder;

    [ReferenceTheory]
    [MemberData(nameof(Packages))]
    public void Chunked_decode_equals_one_pass_decode_at_every_sample(string which)
    {
        if (Speech(12) is not { } speech) return;
        using var package = ModelPackage.Load(Folder(which));
        using var codec = new NeuralCodec(package);
        CodeGrid codes = codec.Encode(speech);
        float[] onePass = codec.Decode(codes);
        codec.ChunkFrames = 64; // 600 frames → 10 chunks, 9 seams
        float[] chunked = codec.Decode(codes);
        Assert.Equal(onePass.Length, chunked.Length);
        for (int i = 0; i < onePass.Length; i++)
            Assert.True(Math.Abs(onePass[i] - chunked[i]) <= 1e-5f, $"sample {i} (frame {i / codec.Hop}): {chunked[i]} vs {onePass[i]} in one pass");
    }

    [ReferenceFact]
    public void The_importers_context_covers_how_far_one_code_frame_reaches_in_the_decoder()
    {
        if (Speech(4) is not { } speech) return;
        using var package = ModelPackage.Load(fixture.PackageFolder);
        // Counted from the config's layers by the importer: the encoder's last resblocks (dilations up to 5 at the frame rate)
        // reach furthest, 16.1 frames; the decoder reaches 7.4.
        var config = SoundStorm.Export.Codec.HifiCodecConfig.Load(ReferenceData.File("hificodec", "config.json"));
        Assert.Equal(SoundStorm.Export.Codec.HifiCodecReceptiveField.ContextFrames(config), package.Manifest.CodecContextFrames);
        Assert.Equal(17, package.Manifest.CodecContextFrames);
        using var codec = new NeuralCodec(package);
        CodeGrid codes = codec.Encode(speech);
        float[] before = codec.Decode(codes);
        int middle = codes.Frames / 2;
        for (int q = 0; q < codec.Codebooks; q++) codes[middle, q] = (codes[middle, q] + 517) % codec.CodebookSize;
        float[] after = codec.Decode(codes);
        int first = -1, last = -1;
        for (int i = 0; i < before.Length; i++)
        {
            if (before[i] == after[i]) continue;
            if (first < 0) first = i;
            last = i;
        }
        Assert.True(first >= 0, "changing a frame's codes changed nothing");
        int reachBefore = middle - first / codec.Hop, reachAfter = last / codec.Hop - middle;
        Assert.InRange(reachBefore, 1, codec.ContextFrames);
        Assert.InRange(reachAfter, 1, codec.ContextFrames);
    }

    [ReferenceFact]
    public void Without_context_the_seams_show_so_the_equality_above_is_the_contexts_doing()
    {
        if (Speech(4) is not { } speech) return;
        using var package = ModelPackage.Load(fixture.PackageFolder);
        using var codec = new NeuralCodec(package);
        CodeGrid codes = codec.Encode(speech);
        float[] onePass = codec.Decode(codes);
        codec.ChunkFrames = 64;
        codec.ContextFrames = 0;
        float[] chunked = codec.Decode(codes);
        Assert.True(onePass.Zip(chunked).Max(p => Math.Abs(p.First - p.Second)) > 1e-3f);
    }

    [ReferenceFact]
    public void Chunk_sizes_below_their_minimum_are_refused()
    {
        using var package = ModelPackage.Load(fixture.PackageFolder);
        using var codec = new NeuralCodec(package);
        var sizes = (codec.ChunkFrames, codec.ContextFrames);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => codec.ChunkFrames = 0).ParamName);
        Assert.Equal("value", Assert.Throws<ArgumentOutOfRangeException>(() => codec.ContextFrames = -1).ParamName);
        Assert.Equal(sizes, (codec.ChunkFrames, codec.ContextFrames)); // unchanged by the refused values
    }

    [ReferenceTheory]
    [MemberData(nameof(Packages))]
    public void Chunked_encode_puts_each_chunks_codes_where_one_pass_over_that_chunk_puts_them(string which)
    {
        if (Speech(12) is not { } speech) return;
        using var package = ModelPackage.Load(Folder(which));
        using var codec = new NeuralCodec(package) { ChunkFrames = 150 };
        CodeGrid chunked = codec.Encode(speech);
        Assert.Equal(speech.Length / codec.Hop, chunked.Frames);
        // The third chunk keeps frames [300, 450) from a run over [300 − context, 450 + context).
        int context = codec.ContextFrames, runStart = 300 - context;
        codec.ChunkFrames = int.MaxValue / 4;
        CodeGrid run = codec.Encode(speech.AsSpan(runStart * codec.Hop, (150 + 2 * context) * codec.Hop));
        for (int f = 300; f < 450; f++)
            for (int q = 0; q < codec.Codebooks; q++) Assert.Equal(run[f - runStart, q], chunked[f, q]);
    }
}
