namespace Edge.ModelTools.Onnx;

using System.Runtime.InteropServices;
using Google.Protobuf;
using global::Onnx;

/// <summary>Reads float initializers and builds the small typed initializers QDQ needs (little-endian raw data).</summary>
internal static class Tensors
{
    public static float[] ReadFloats(TensorProto tensor)
    {
        if (tensor.DataType != (int)TensorProto.Types.DataType.Float)
        {
            throw new QuantizationException($"initializer '{tensor.Name}' is {(TensorProto.Types.DataType)tensor.DataType}, expected float");
        }

        if (tensor.FloatData.Count > 0)
        {
            return [.. tensor.FloatData];
        }

        return MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
    }

    public static TensorProto Floats(string name, ReadOnlySpan<float> values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Float, MemoryMarshal.AsBytes(values), dims);

    public static TensorProto Int32s(string name, ReadOnlySpan<int> values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Int32, MemoryMarshal.AsBytes(values), dims);

    public static TensorProto Int64s(string name, ReadOnlySpan<long> values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Int64, MemoryMarshal.AsBytes(values), dims);

    public static TensorProto Int8s(string name, ReadOnlySpan<sbyte> values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Int8, MemoryMarshal.AsBytes(values), dims);

    public static TensorProto UInt8s(string name, ReadOnlySpan<byte> values, params long[] dims) =>
        Raw(name, TensorProto.Types.DataType.Uint8, values, dims);

    private static TensorProto Raw(string name, TensorProto.Types.DataType type, ReadOnlySpan<byte> bytes, long[] dims)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)type, RawData = ByteString.CopyFrom(bytes) };
        tensor.Dims.AddRange(dims);
        return tensor;
    }
}
