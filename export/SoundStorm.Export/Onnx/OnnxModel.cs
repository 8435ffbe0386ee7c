using Google.Protobuf;
using SoundStorm.Export.Onnx.Proto;

namespace SoundStorm.Export.Onnx;

/// <summary>
/// A finished ONNX model: the protobuf message plus its initializer payloads, which are placed inline or in an
/// external data file when saved.
/// </summary>
public sealed class OnnxModel
{
    /// <summary>Above this many bytes of weights a model is saved with external data (protobuf caps a message at 2 GiB).</summary>
    public const long DefaultInlineLimit = 1L << 30;

    private readonly IReadOnlyList<(TensorProto Header, TensorData Data)> _payloads;

    internal OnnxModel(ModelProto proto, IReadOnlyList<(TensorProto Header, TensorData Data)> payloads)
    {
        Proto = proto;
        _payloads = payloads;
    }

    /// <summary>The model message (initializers carry headers only until the model is saved or serialized).</summary>
    public ModelProto Proto { get; }

    /// <summary>Names of the initializers held as payloads (not yet in <see cref="Proto"/>).</summary>
    internal IEnumerable<string> PayloadNames => _payloads.Select(p => p.Header.Name);

    /// <summary>Total bytes of initializer data.</summary>
    public long WeightBytes
    {
        get
        {
            long total = 0;
            foreach (var (_, data) in _payloads) total += data.ByteLength;
            return total;
        }
    }

    /// <summary>The model as one serialized message with every weight inline (for in-memory sessions).</summary>
    public byte[] ToBytes()
    {
        if (WeightBytes > DefaultInlineLimit)
            throw new InvalidOperationException($"The model holds {WeightBytes} bytes of weights; save it to a file with external data instead.");
        return WithInlineWeights().ToByteArray();
    }

    /// <summary>
    /// Saves the model to <paramref name="path"/>. Weights go inline unless they exceed <paramref name="inlineLimit"/>
    /// bytes, in which case every tensor of 1 KiB or more goes to <c>&lt;file name&gt;.data</c> beside the model.
    /// Files are written under temporary names and moved into place, so a failure leaves nothing half-written.
    /// </summary>
    public void Save(string path, long inlineLimit = DefaultInlineLimit)
    {
        string fullPath = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(fullPath)!;
        Directory.CreateDirectory(directory);
        string dataName = Path.GetFileName(fullPath) + ".data";
        string dataPath = Path.Combine(directory, dataName);
        string tempModel = fullPath + ".tmp-" + Guid.NewGuid().ToString("N");
        string tempData = dataPath + ".tmp-" + Guid.NewGuid().ToString("N");
        bool external = WeightBytes > inlineLimit;
        try
        {
            ModelProto proto = external ? WithExternalWeights(tempData, dataName) : WithInlineWeights();
            using (var output = File.Create(tempModel)) proto.WriteTo(output);
            if (external) File.Move(tempData, dataPath, overwrite: true);
            else if (File.Exists(dataPath)) File.Delete(dataPath);
            File.Move(tempModel, fullPath, overwrite: true);
        }
        finally
        {
            if (File.Exists(tempModel)) File.Delete(tempModel);
            if (File.Exists(tempData)) File.Delete(tempData);
        }
    }

    /// <summary>Reads an ONNX model file; external data stays on disk and is read on demand by <see cref="ReadInitializer"/>.</summary>
    public static OnnxModel Load(string path)
    {
        ModelProto proto;
        try
        {
            using var input = File.OpenRead(path);
            proto = ModelProto.Parser.ParseFrom(input);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"'{path}' is not a valid ONNX model: {e.Message}", e);
        }
        if (proto.Graph is null) throw new OnnxFormatException($"'{path}' has no graph.");
        return new OnnxModel(proto, Array.Empty<(TensorProto, TensorData)>()) { SourceDirectory = Path.GetDirectoryName(Path.GetFullPath(path)) };
    }

    /// <summary>Parses a serialized model.</summary>
    public static OnnxModel Parse(ReadOnlySpan<byte> bytes)
    {
        try
        {
            var proto = ModelProto.Parser.ParseFrom(bytes);
            if (proto.Graph is null) throw new OnnxFormatException("The model has no graph.");
            return new OnnxModel(proto, Array.Empty<(TensorProto, TensorData)>());
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new OnnxFormatException($"Bytes are not a valid ONNX model: {e.Message}", e);
        }
    }

    /// <summary>The folder the model was loaded from (external data is resolved against it).</summary>
    public string? SourceDirectory { get; private init; }

    /// <summary>Reads the values of the initializer called <paramref name="name"/>.</summary>
    public TensorData ReadInitializer(string name)
    {
        foreach (var (header, data) in _payloads)
            if (header.Name == name) return data;
        foreach (var tensor in Proto.Graph.Initializer)
            if (tensor.Name == name) return TensorProtos.ToTensorData(tensor, SourceDirectory);
        throw new KeyNotFoundException($"The model has no initializer named '{name}'.");
    }

    private ModelProto WithInlineWeights()
    {
        var proto = Proto.Clone();
        foreach (var (header, data) in _payloads)
        {
            var tensor = header.Clone();
            tensor.RawData = ByteString.CopyFrom(data.GetBytes().Span);
            proto.Graph.Initializer.Add(tensor);
        }
        return proto;
    }

    private ModelProto WithExternalWeights(string dataPath, string location)
    {
        var proto = Proto.Clone();
        using var data = File.Create(dataPath);
        foreach (var (header, payload) in _payloads)
        {
            var tensor = header.Clone();
            if (payload.ByteLength < 1024 && !payload.IsStreamed)
            {
                tensor.RawData = ByteString.CopyFrom(payload.GetBytes().Span);
            }
            else
            {
                long offset = (data.Position + ExternalData.Alignment - 1) / ExternalData.Alignment * ExternalData.Alignment;
                data.SetLength(offset);
                data.Position = offset;
                payload.WriteTo(data);
                ExternalData.Point(tensor, location, offset, payload.ByteLength);
            }
            proto.Graph.Initializer.Add(tensor);
        }
        return proto;
    }
}
