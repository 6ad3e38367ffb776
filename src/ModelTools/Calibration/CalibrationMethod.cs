namespace Edge.ModelTools.Calibration;

/// <summary>How an activation's observed values become its quantization range.</summary>
public enum CalibrationMethod
{
    /// <summary>The observed minimum and maximum: no clipping, but one outlier stretches the scale for all values.</summary>
    MinMax,

    /// <summary>
    /// Clips the rarest (100 − p) % of values, split between both tails, from a histogram of the observed range:
    /// a finer scale for the bulk at the cost of saturating outliers.
    /// </summary>
    Percentile,

    /// <summary>
    /// TensorRT's entropy calibration: a histogram of |x|, and the clipping threshold whose 128-level quantized
    /// distribution is closest (least KL divergence) to the clipped reference. Never wider than <see cref="MinMax"/>.
    /// </summary>
    Entropy,
}
