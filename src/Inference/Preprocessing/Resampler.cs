namespace Edge.Inference;

/// <summary>
/// Separable resize of float planes. Upscaling and mild downscaling use half-pixel bilinear
/// (src = (dst + 0.5) × in/out − 0.5, clamped; identical to torch <c>interpolate(align_corners=False)</c>
/// and to the training pipeline). Bilinear only looks at two neighbours, so when an axis shrinks by a
/// factor of 2 or more it would skip most source pixels and alias (a 64×64 digit sampled down to 8×8
/// keeps 1 pixel in 64); those axes use area averaging instead: each output is the mean of the source
/// interval it covers, with fractional edge weights. Equal sizes are an exact copy.
/// </summary>
internal static class Resampler
{
    /// <summary>Resizes one <paramref name="inH"/>×<paramref name="inW"/> plane; <paramref name="scratch"/> needs inH × outW.</summary>
    public static void ResizePlane(
        ReadOnlySpan<float> source, int inH, int inW, Span<float> destination, int outH, int outW, Span<float> scratch)
    {
        for (var y = 0; y < inH; y++)
        {
            ResampleAxis(source.Slice(y * inW, inW), 1, inW, scratch.Slice(y * outW, outW), 1, outW);
        }

        for (var x = 0; x < outW; x++)
        {
            ResampleAxis(scratch[x..], outW, inH, destination[x..], outW, outH);
        }
    }

    /// <summary>Resamples <paramref name="inN"/> strided values into <paramref name="outN"/> strided values.</summary>
    public static void ResampleAxis(ReadOnlySpan<float> source, int sourceStride, int inN, Span<float> destination, int destinationStride, int outN)
    {
        if (inN == outN)
        {
            for (var i = 0; i < outN; i++)
            {
                destination[i * destinationStride] = source[i * sourceStride];
            }
        }
        else if (inN >= 2 * outN)
        {
            AreaAverage(source, sourceStride, inN, destination, destinationStride, outN);
        }
        else
        {
            Bilinear(source, sourceStride, inN, destination, destinationStride, outN);
        }
    }

    private static void Bilinear(ReadOnlySpan<float> source, int sourceStride, int inN, Span<float> destination, int destinationStride, int outN)
    {
        var scale = (double)inN / outN;
        for (var d = 0; d < outN; d++)
        {
            var s = Math.Clamp(((d + 0.5) * scale) - 0.5, 0.0, inN - 1);
            var i0 = (int)s;
            var i1 = Math.Min(i0 + 1, inN - 1);
            var w = (float)(s - i0);
            destination[d * destinationStride] = ((1 - w) * source[i0 * sourceStride]) + (w * source[i1 * sourceStride]);
        }
    }

    private static void AreaAverage(ReadOnlySpan<float> source, int sourceStride, int inN, Span<float> destination, int destinationStride, int outN)
    {
        var scale = (double)inN / outN;
        for (var d = 0; d < outN; d++)
        {
            var start = d * scale;
            var end = Math.Min(start + scale, inN);
            var sum = 0.0;
            for (var i = (int)start; i < end; i++)
            {
                var overlap = Math.Min(i + 1, end) - Math.Max(i, start);
                sum += overlap * source[i * sourceStride];
            }

            destination[d * destinationStride] = (float)(sum / (end - start));
        }
    }
}
