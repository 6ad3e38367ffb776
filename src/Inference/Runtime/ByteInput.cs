namespace Edge.Inference;

/// <summary>
/// Feeds a uint8-input model (usual for TFLite conversions): the preprocessor works in floats on the 0..255
/// scale, and each value is rounded and clamped to a byte, the same way in the agent and in the model tools.
/// </summary>
public static class ByteInput
{
    public static void FromFloats(ReadOnlySpan<float> values, Span<byte> bytes)
    {
        if (bytes.Length < values.Length)
        {
            throw new ArgumentException($"{bytes.Length} bytes cannot hold {values.Length} values", nameof(bytes));
        }

        for (var i = 0; i < values.Length; i++)
        {
            bytes[i] = (byte)Math.Clamp(MathF.Round(values[i]), 0f, 255f);
        }
    }
}
