using SoundStorm.Export.Onnx;

namespace SoundStorm.Cli.Tests;

[Collection("console")]
public sealed class RunGraphCommandTests : IDisposable
{
    private readonly string _dir = Paths.NewTemp();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // y = x · scale[level], an int64 input narrowed from an int16 file on the way.
    private string WriteGraph()
    {
        var g = new OnnxGraphBuilder("scale");
        var x = g.Input("x", ElementType.Float, "batch", 3);
        var level = g.Input("level", ElementType.Int64, 1);
        var table = g.Initializer("scales", TensorData.FromFloat(new[] { 2f, -3f }, 2));
        g.Output(g.Mul(x, g.Gather(table, level)), "y", ElementType.Float, "batch", 3);
        string path = Path.Combine(_dir, "scale.onnx");
        g.Build().Save(path);
        return path;
    }

    [Fact]
    public void Writes_each_output_as_npy()
    {
        string graph = WriteGraph();
        NpyFile.Write(Path.Combine(_dir, "x.npy"), new NpyArray(new float[] { 1, 2, 3, 4, 5, 6 }, 2, 3));
        NpyFile.Write(Path.Combine(_dir, "level.npy"), new NpyArray(new short[] { 1 }, 1));
        var (code, _, error) = CliRunner.Run("run-graph", "--graph", graph, "--in", $"x={_dir}/x.npy", "--in", $"level={_dir}/level.npy", "--out-dir", $"{_dir}/out");
        Assert.True(code == 0, error);
        var y = NpyFile.Read(Path.Combine(_dir, "out", "y.npy"));
        Assert.Equal(new[] { 2, 3 }, y.Shape);
        Assert.Equal(new float[] { -3, -6, -9, -12, -15, -18 }, y.As<float>());
    }

    [Fact]
    public void Missing_input_is_one_clear_error()
    {
        string graph = WriteGraph();
        NpyFile.Write(Path.Combine(_dir, "x.npy"), new NpyArray(new float[] { 1, 2, 3 }, 1, 3));
        var (code, _, error) = CliRunner.Run("run-graph", "--graph", graph, "--in", $"x={_dir}/x.npy", "--out-dir", $"{_dir}/out");
        Assert.Equal(2, code);
        Assert.Contains("Missing --in for graph input(s): level", error);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }

    [Fact]
    public void Wrong_name_rank_and_type_are_named()
    {
        string graph = WriteGraph();
        NpyFile.Write(Path.Combine(_dir, "x1.npy"), new NpyArray(new float[] { 1, 2, 3 }, 3));
        NpyFile.Write(Path.Combine(_dir, "lf.npy"), new NpyArray(new float[] { 1 }, 1));
        Assert.Contains("the graph has no such input", CliRunner.Run("run-graph", "--graph", graph, "--in", $"z={_dir}/x1.npy", "--out-dir", _dir).Error);
        Assert.Contains("expects rank 2", CliRunner.Run("run-graph", "--graph", graph, "--in", $"x={_dir}/x1.npy", "--out-dir", _dir).Error);
        var (code, _, error) = CliRunner.Run("run-graph", "--graph", graph, "--in", $"level={_dir}/lf.npy", "--out-dir", _dir);
        Assert.Equal(2, code);
        Assert.Contains("Input 'level': the graph expects Int64", error);
    }

    [Theory]
    [InlineData(-1L)]
    [InlineData(-2L)]
    public void A_negative_index_is_refused_as_decode_refuses_it(long level)
    {
        // Gather would read scales[-1] from the end of the table and answer with the wrong scale instead of failing.
        string graph = WriteGraph();
        NpyFile.Write(Path.Combine(_dir, "x.npy"), new NpyArray(new float[] { 1, 2, 3 }, 1, 3));
        NpyFile.Write(Path.Combine(_dir, "level.npy"), new NpyArray(new long[] { level }, 1));
        var (code, _, error) = CliRunner.Run("run-graph", "--graph", graph, "--in", $"x={_dir}/x.npy", "--in", $"level={_dir}/level.npy", "--out-dir", $"{_dir}/out");
        Assert.Equal(2, code);
        Assert.Equal($"error: --in 'level' ({_dir}/level.npy) [0] = {level} is negative; indices into a graph's tables are 0 or more "
            + "(ONNX Gather would read it from the end of the table)." + Environment.NewLine, error);
        Assert.False(Directory.Exists(Path.Combine(_dir, "out")));
    }
}
