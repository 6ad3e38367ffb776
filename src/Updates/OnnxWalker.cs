namespace Edge.Updates;

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

    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

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
        var pos = 0;
        bool hasIrVersion = false, hasGraph = false;
        while (pos < model.Length)
        {
            if (!TryReadField(model, ref pos, out var field, out var wireType, out var start, out var length))
            {
                return false;
            }

            if (field == IrVersionField)
            {
                hasIrVersion |= wireType == Varint;
            }
            else if (field == GraphField)
            {
                if (wireType != LengthDelimited || !TryWalkGraph(model, start, length, initializers))
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
        var graph = file.Slice(offset, size);
        var pos = 0;
        while (pos < graph.Length)
        {
            if (!TryReadField(graph, ref pos, out var field, out var wireType, out var start, out var length))
            {
                return false;
            }

            if (field == InitializerField && wireType == LengthDelimited && !TryWalkTensor(file, offset + start, length, initializers))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TryWalkTensor(ReadOnlySpan<byte> file, int offset, int size, List<Initializer>? initializers)
    {
        var tensor = file.Slice(offset, size);
        var pos = 0;
        int nameStart = 0, nameLength = 0, dataStart = -1, dataLength = 0;
        while (pos < tensor.Length)
        {
            if (!TryReadField(tensor, ref pos, out var field, out var wireType, out var start, out var length))
            {
                return false;
            }

            // Protobuf's rule for a repeated scalar field is "last one wins"; both sides of a delta follow it alike.
            if (field == NameField && wireType == LengthDelimited)
            {
                (nameStart, nameLength) = (offset + start, length);
            }
            else if (field == RawDataField && wireType == LengthDelimited)
            {
                (dataStart, dataLength) = (offset + start, length);
            }
        }

        if (dataStart >= 0)
        {
            initializers?.Add(new Initializer(nameStart, nameLength, dataStart, dataLength));
        }

        return true;
    }

    /// <summary>Reads one tag and steps over its value; for a length-delimited field, start/length locate the value.</summary>
    private static bool TryReadField(ReadOnlySpan<byte> span, ref int pos, out int field, out int wireType, out int start, out int length)
    {
        field = wireType = start = length = 0;
        if (!TryReadVarint(span, ref pos, out var tag) || (tag >> 3) is 0 or > int.MaxValue)
        {
            return false;
        }

        field = (int)(tag >> 3);
        wireType = (int)(tag & 7);
        switch (wireType)
        {
            case Varint:
                return TryReadVarint(span, ref pos, out _);
            case Fixed64:
                return Advance(span, ref pos, 8);
            case Fixed32:
                return Advance(span, ref pos, 4);
            case LengthDelimited:
                if (!TryReadVarint(span, ref pos, out var size) || size > (ulong)(span.Length - pos))
                {
                    return false;
                }

                (start, length) = (pos, (int)size);
                pos += (int)size;
                return true;
            default:
                // Groups (3, 4) are not used by ONNX; 6 and 7 do not exist.
                return false;
        }
    }

    private static bool Advance(ReadOnlySpan<byte> span, ref int pos, int count)
    {
        if (span.Length - pos < count)
        {
            return false;
        }

        pos += count;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> span, ref int pos, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && pos < span.Length; shift += 7)
        {
            var b = span[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Byte ranges in the file: the tensor's name (UTF-8) and its raw_data.</summary>
    internal readonly record struct Initializer(int NameStart, int NameLength, int DataStart, int DataLength);
}
