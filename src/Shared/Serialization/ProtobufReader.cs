namespace Edge.Shared.Serialization;

/// <summary>
/// Walks one protobuf message field by field, straight from its wire bytes, so that ONNX files can be read without an
/// ONNX or protobuf dependency (Edge.Inference reads graphs with it, Edge.Updates finds initializers for deltas).
/// Values are located, never interpreted: a length-delimited field is a <see cref="Start"/>/<see cref="Length"/> range.
/// </summary>
public ref struct ProtobufReader
{
    public const int Varint = 0;
    public const int Fixed64 = 1;
    public const int LengthDelimited = 2;
    public const int Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _message;
    private int _position;

    public ProtobufReader(ReadOnlySpan<byte> message)
    {
        _message = message;
        _position = 0;
    }

    /// <summary>True once every field has been read.</summary>
    public readonly bool End => _position >= _message.Length;

    /// <summary>The last field's number.</summary>
    public int Field { get; private set; }

    public int WireType { get; private set; }

    /// <summary>The last field's value when it is a varint.</summary>
    public ulong Value { get; private set; }

    /// <summary>Where the last length-delimited field's bytes start in the message.</summary>
    public int Start { get; private set; }

    public int Length { get; private set; }

    /// <summary>The last length-delimited field's bytes.</summary>
    public readonly ReadOnlySpan<byte> Payload => _message.Slice(Start, Length);

    /// <summary>Reads the next field's tag and steps over its value; false when the bytes are not a well-formed message.</summary>
    public bool TryRead()
    {
        Field = WireType = Start = Length = 0;
        Value = 0;
        if (!TryReadVarint(out var tag) || (tag >> 3) is 0 or > int.MaxValue)
        {
            return false;
        }

        Field = (int)(tag >> 3);
        WireType = (int)(tag & 7);
        switch (WireType)
        {
            case Varint:
                if (!TryReadVarint(out var value))
                {
                    return false;
                }

                Value = value;
                return true;
            case Fixed64:
                return Skip(8);
            case Fixed32:
                return Skip(4);
            case LengthDelimited:
                if (!TryReadVarint(out var size) || size > (ulong)(_message.Length - _position))
                {
                    return false;
                }

                (Start, Length) = (_position, (int)size);
                _position += (int)size;
                return true;
            default:
                // Groups (3, 4) are not used by ONNX; 6 and 7 do not exist.
                return false;
        }
    }

    private bool Skip(int count)
    {
        if (_message.Length - _position < count)
        {
            return false;
        }

        _position += count;
        return true;
    }

    private bool TryReadVarint(out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && _position < _message.Length; shift += 7)
        {
            var b = _message[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}
