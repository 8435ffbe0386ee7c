using System.Globalization;
using System.Numerics;
using System.Text.Json;

namespace SoundStorm.Export.Tests.Checkpoints;

/// <summary>
/// Compares a loaded checkpoint object with the description in torch-pickle/expected.json
/// (<c>__OrderedDict__</c>, <c>__dict__</c>, <c>__tuple__</c>, <c>__tensor__</c>, <c>__bigint__</c>, <c>__float__</c>, <c>__object__</c>).
/// </summary>
internal static class ExpectedJson
{
    private static readonly Dictionary<string, CheckpointDType> DTypes = new()
    {
        ["float32"] = CheckpointDType.F32, ["float16"] = CheckpointDType.F16, ["bfloat16"] = CheckpointDType.BF16,
        ["float64"] = CheckpointDType.F64, ["int64"] = CheckpointDType.I64, ["int32"] = CheckpointDType.I32,
        ["int16"] = CheckpointDType.I16, ["int8"] = CheckpointDType.I8, ["uint8"] = CheckpointDType.U8, ["bool"] = CheckpointDType.Bool,
    };

    internal static JsonElement For(string file, string field = "content")
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(ReferencePaths.Get("torch-pickle", "expected.json")));
        return doc.RootElement.GetProperty(file).GetProperty(field).Clone();
    }

    internal static void AssertMatches(JsonElement expected, object? actual, string path = "$")
    {
        switch (expected.ValueKind)
        {
            case JsonValueKind.Null: Assert.True(actual is null, $"{path}: expected None, got {actual}"); return;
            case JsonValueKind.True or JsonValueKind.False: Assert.Equal(expected.GetBoolean(), Assert.IsType<bool>(actual)); return;
            case JsonValueKind.String: Assert.Equal(expected.GetString(), Assert.IsType<string>(actual)); return;
            case JsonValueKind.Number:
                object want = IsIntegerLiteral(expected) ? (object)expected.GetInt64() : expected.GetDouble();
                Assert.True(want.Equals(actual), $"{path}: expected {want} ({want.GetType().Name}), got {actual} ({actual?.GetType().Name})");
                return;
            case JsonValueKind.Array:
                AssertItems(expected, Assert.IsType<List<object?>>(actual), path);
                return;
        }

        if (expected.TryGetProperty("__OrderedDict__", out JsonElement ordered)) AssertDict(ordered, actual, isOrdered: true, path);
        else if (expected.TryGetProperty("__dict__", out JsonElement plain)) AssertDict(plain, actual, isOrdered: false, path);
        else if (expected.TryGetProperty("__tuple__", out JsonElement tuple)) AssertItems(tuple, Assert.IsType<CheckpointTuple>(actual), path);
        else if (expected.TryGetProperty("__bigint__", out JsonElement big)) Assert.Equal(BigInteger.Parse(big.GetString()!, CultureInfo.InvariantCulture), Assert.IsType<BigInteger>(actual));
        else if (expected.TryGetProperty("__float__", out JsonElement special)) Assert.Equal(ParseSpecial(special.GetString()!), Assert.IsType<double>(actual));
        else if (expected.TryGetProperty("__tensor__", out _)) AssertTensor(expected, Assert.IsType<CheckpointTensor>(actual), path);
        else if (expected.TryGetProperty("__object__", out JsonElement className))
        {
            var obj = Assert.IsType<CheckpointObject>(actual);
            Assert.Equal(className.GetString(), obj.ClassName);
            var state = Assert.IsType<CheckpointDict>(obj.State);
            Assert.Equal(expected.GetProperty("state").EnumerateObject().Select(p => p.Name), state.Keys.Cast<string>());
            foreach (JsonProperty attribute in expected.GetProperty("state").EnumerateObject())
                AssertMatches(attribute.Value, state[attribute.Name], $"{path}.{attribute.Name}");
        }
        else Assert.Fail($"{path}: unknown expectation {expected}");
    }

    private static void AssertDict(JsonElement pairs, object? actual, bool isOrdered, string path)
    {
        var dict = Assert.IsType<CheckpointDict>(actual);
        Assert.Equal(isOrdered, dict.IsOrderedDict);
        string[] keys = [.. pairs.EnumerateArray().Select(p => p[0].GetString()!)];
        Assert.Equal(keys, dict.Keys.Cast<string>()); // order included
        foreach (JsonElement pair in pairs.EnumerateArray())
            AssertMatches(pair[1], dict[pair[0].GetString()!], $"{path}.{pair[0].GetString()}");
    }

    private static void AssertItems(JsonElement expected, IReadOnlyList<object?> actual, string path)
    {
        Assert.Equal(expected.GetArrayLength(), actual.Count);
        int i = 0;
        foreach (JsonElement item in expected.EnumerateArray())
        {
            AssertMatches(item, actual[i], $"{path}[{i}]");
            i++;
        }
    }

    private static void AssertTensor(JsonElement expected, CheckpointTensor tensor, string path)
    {
        Assert.True(DTypes[expected.GetProperty("__tensor__").GetString()!] == tensor.DType, $"{path}: dtype {tensor.DType}");
        Assert.Equal(expected.GetProperty("shape").EnumerateArray().Select(e => e.GetInt64()), tensor.Shape);
        Assert.Equal(expected.GetProperty("requires_grad").GetBoolean(), tensor.RequiresGrad);
        Assert.Equal(expected.GetProperty("is_parameter").GetBoolean(), tensor.IsParameter);
        var values = new List<JsonElement>();
        Flatten(expected.GetProperty("values"), values);
        Assert.Equal(values.Count, tensor.ElementCount);
        if (tensor.DType.IsFloatingPoint())
        {
            double[] actual = tensor.ToFloat64();
            for (int i = 0; i < values.Count; i++)
            {
                double want = values[i].ValueKind == JsonValueKind.String ? ParseSpecial(values[i].GetString()!) : values[i].GetDouble();
                Assert.True(want.Equals(actual[i]) && double.IsNegative(want) == double.IsNegative(actual[i]), $"{path}[{i}]: expected {want}, got {actual[i]}");
            }
        }
        else
        {
            long[] actual = tensor.ToInt64();
            for (int i = 0; i < values.Count; i++)
            {
                long want = values[i].ValueKind is JsonValueKind.True or JsonValueKind.False ? (values[i].GetBoolean() ? 1 : 0) : values[i].GetInt64();
                Assert.True(want == actual[i], $"{path}[{i}]: expected {want}, got {actual[i]}");
            }
        }
    }

    private static void Flatten(JsonElement element, List<JsonElement> into)
    {
        if (element.ValueKind != JsonValueKind.Array) { into.Add(element); return; }
        foreach (JsonElement item in element.EnumerateArray()) Flatten(item, into);
    }

    private static bool IsIntegerLiteral(JsonElement number)
    {
        string raw = number.GetRawText();
        return !raw.Contains('.') && !raw.Contains('e') && !raw.Contains('E');
    }

    private static double ParseSpecial(string text) => text switch
    {
        "inf" => double.PositiveInfinity,
        "-inf" => double.NegativeInfinity,
        "nan" => double.NaN,
        _ => double.Parse(text, CultureInfo.InvariantCulture),
    };
}
