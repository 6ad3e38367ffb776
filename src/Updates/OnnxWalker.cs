namespace Edge.Updates;

using Edge.Shared.Serialization;

/// <summary>
/// Just enough of the protobuf wire format to find an ONNX model's initializers (ModelProto.graph = 7,
/// GraphProto.initializer = 5, TensorProto.name = 8, TensorProto.raw_data = 9) without an ONNX dependency.
/// Tensor contents are skipped, never interpreted, so a delta residual walks exactly like its target.
/// </summary>
internal static class OnnxWalker
{
    private const int IrVersionField = 1;
    private const int GraphField = 7;
    private const int InitializerField = 5;
    private const int NameField = 8;
    private const int RawDataField = 9;

    /// <summary>
    /// True when <paramref name="model"/> parses as a ModelProto with an ir_version and a graph; then
    /// <paramref name="initializers"/> (when given) receives every initializer that carries raw_data, in file order.
    /// On false it is left empty, so callers treat the file as opaque bytes.
    /// </summary>
    public static bool TryWalk(ReadOnlySpan<byte> model, List<Initializer>? initializers)
    {
        var ok = TryWalkModel(model, initializers);
        if (!ok)
        {
            initializers?.Clear();
        }

        return ok;
    }

    private static bool TryWalkModel(ReadOnlySpan<byte> model, List<Initializer>? initializers)
    {
        var reader = new ProtobufReader(model);
        bool hasIrVersion = false, hasGraph = false;
        while (!reader.End)
        {
            if (!reader.TryRead())
            {
                return false;
            }

            if (reader.Field == IrVersionField)
            {
                hasIrVersion |= reader.WireType == ProtobufReader.Varint;
            }
            else if (reader.Field == GraphField)
            {
                if (reader.WireType != ProtobufReader.LengthDelimited || !TryWalkGraph(model, reader.Start, reader.Length, initializers))
                {
                    return false;
                }

                hasGraph = true;
            }
        }

        return hasIrVersion && hasGraph;
    }

    private static bool TryWalkGraph(ReadOnlySpan<byte> file, int offset, int size, List<Initializer>? initializers)
    {
        var reader = new ProtobufReader(file.Slice(offset, size));
        while (!reader.End)
        {
            if (!reader.TryRead())
            {
                return false;
            }

            if (reader.Field == InitializerField && reader.WireType == ProtobufReader.LengthDelimited &&
                !TryWalkTensor(file, offset + reader.Start, reader.Length, initializers))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryWalkTensor(ReadOnlySpan<byte> file, int offset, int size, List<Initializer>? initializers)
    {
        var reader = new ProtobufReader(file.Slice(offset, size));
        int nameStart = 0, nameLength = 0, dataStart = -1, dataLength = 0;
        while (!reader.End)
        {
            if (!reader.TryRead())
            {
                return false;
            }

            // Protobuf's rule for a repeated scalar field is "last one wins"; both sides of a delta follow it alike.
            if (reader.Field == NameField && reader.WireType == ProtobufReader.LengthDelimited)
            {
                (nameStart, nameLength) = (offset + reader.Start, reader.Length);
            }
            else if (reader.Field == RawDataField && reader.WireType == ProtobufReader.LengthDelimited)
            {
                (dataStart, dataLength) = (offset + reader.Start, reader.Length);
            }
        }

        if (dataStart >= 0)
        {
            initializers?.Add(new Initializer(nameStart, nameLength, dataStart, dataLength));
        }

        return true;
    }

    /// <summary>Byte ranges in the file: the tensor's name (UTF-8) and its raw_data.</summary>
    internal readonly record struct Initializer(int NameStart, int NameLength, int DataStart, int DataLength);
}
