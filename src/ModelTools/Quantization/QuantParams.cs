namespace Edge.ModelTools.Quantization;

using Edge.ModelTools.Calibration;

/// <summary>Affine activation parameters: real = (q − ZeroPoint) × Scale.</summary>
internal readonly record struct QuantParams(float Scale, int ZeroPoint)
{
    /// <summary>
    /// The range is widened to contain 0 so that zero (padding, ReLU's floor) is exactly representable; a ReLU
    /// or Clip(0, x) folded into its producer relies on that: Q saturates at the zero point just as ReLU clamps.
    /// </summary>
    public static QuantParams FromRange(TensorRange range, ActivationType type)
    {
        var (qmin, qmax) = ActivationTypes.Range(type);
        var rmin = Math.Min(0f, range.Min);
        var rmax = Math.Max(0f, range.Max);
        var scale = (rmax - rmin) / (qmax - qmin);
        if (!(scale > 0) || !float.IsFinite(scale))
        {
            return new QuantParams(1f, 0);
        }

        var zeroPoint = (int)Math.Clamp(MathF.Round(qmin - (rmin / scale)), qmin, qmax);
        return new QuantParams(scale, zeroPoint);
    }
}
