namespace Edge.ModelTools.Quantization;

/// <summary>Symmetric int8 weights (zero point 0, ONNX Runtime's fast path), one scale per output channel.</summary>
internal static class WeightQuantizer
{
    /// <summary>
    /// Quantizes a row-major tensor along <paramref name="axis"/> of <paramref name="dims"/>; <paramref name="axis"/>
    /// −1 means one scale for the whole tensor.
    /// </summary>
    public static (sbyte[] Values, float[] Scales) Quantize(float[] weights, long[] dims, int axis, bool reduceRange)
    {
        var qmax = reduceRange ? 63f : 127f;
        var channels = axis < 0 ? 1 : (int)dims[axis];
        var inner = axis < 0 ? weights.Length : (int)dims.Skip(axis + 1).Aggregate(1L, (a, b) => a * b);
        var absMax = new float[channels];
        for (var i = 0; i < weights.Length; i++)
        {
            var c = (i / inner) % channels;
            absMax[c] = Math.Max(absMax[c], Math.Abs(weights[i]));
        }

        // An all-zero channel (pruned) still needs a positive scale; its values quantize to 0 either way.
        var scales = absMax.Select(m => m > 0 ? m / qmax : 1f).ToArray();
        var values = new sbyte[weights.Length];
        for (var i = 0; i < weights.Length; i++)
        {
            var c = (i / inner) % channels;
            values[i] = (sbyte)Math.Clamp(MathF.Round(weights[i] / scales[c]), -qmax, qmax);
        }

        return (values, scales);
    }

    /// <summary>Bias as int32 on the accumulator's scale (input scale × weight scale), zero point 0.</summary>
    public static (int[] Values, float[] Scales) QuantizeBias(float[] bias, float inputScale, float[] weightScales)
    {
        var scales = new float[bias.Length];
        var values = new int[bias.Length];
        for (var i = 0; i < bias.Length; i++)
        {
            scales[i] = inputScale * weightScales[weightScales.Length == 1 ? 0 : i];
            values[i] = (int)Math.Clamp(Math.Round(bias[i] / (double)scales[i]), int.MinValue, int.MaxValue);
        }

        return (values, scales);
    }
}
