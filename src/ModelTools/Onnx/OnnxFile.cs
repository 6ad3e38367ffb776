namespace Edge.ModelTools.Onnx;

using Google.Protobuf;
using global::Onnx;

/// <summary>Parses and checks ONNX bytes before any rewriting, so a wrong file fails with its name in the message.</summary>
internal static class OnnxFile
{
    /// <summary>Per-channel QuantizeLinear/DequantizeLinear (the <c>axis</c> attribute) arrived in opset 13.</summary>
    public const long MinimumOpset = 13;

    public static ModelProto Parse(ReadOnlySpan<byte> bytes, string source)
    {
        if (bytes.IsEmpty)
        {
            throw new QuantizationException($"'{source}' is empty, not an ONNX model");
        }

        ModelProto model;
        try
        {
            model = ModelProto.Parser.ParseFrom(bytes);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw new QuantizationException($"'{source}' is not an ONNX model (protobuf: {e.Message})", e);
        }

        // Many byte strings happen to parse as some protobuf message; a model needs an IR version and a graph.
        if (model.IrVersion <= 0 || model.Graph is null || model.Graph.Node.Count == 0)
        {
            throw new QuantizationException($"'{source}' is not an ONNX model (no IR version or no graph nodes)");
        }

        return model;
    }

    public static long DefaultOpset(ModelProto model) =>
        model.OpsetImport.Where(o => string.IsNullOrEmpty(o.Domain) || o.Domain == "ai.onnx").Select(o => o.Version).DefaultIfEmpty(0).Max();

    public static byte[] ToBytes(ModelProto model) => model.ToByteArray();

    /// <summary>A copy of <paramref name="model"/> that also outputs <paramref name="tensors"/> (float, shape left to ORT).</summary>
    public static ModelProto WithOutputs(ModelProto model, IEnumerable<string> tensors)
    {
        var copy = model.Clone();
        foreach (var name in tensors.Where(n => copy.Graph.Output.All(o => o.Name != n)).ToList())
        {
            copy.Graph.Output.Add(new ValueInfoProto
            {
                Name = name,
                Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float } },
            });
        }

        return copy;
    }
}
