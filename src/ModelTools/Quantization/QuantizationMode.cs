namespace Edge.ModelTools.Quantization;

/// <summary>When activations get their quantization parameters.</summary>
public enum QuantizationMode
{
    /// <summary>Calibrated ahead of time (QDQ, fixed activation ranges): the fastest kernels, needs calibration data.</summary>
    Static,

    /// <summary>
    /// Weight-only ahead of time: int8 MatMul/Gemm weights per column, activations quantized per call from their
    /// actual range (DynamicQuantizeLinear + MatMulInteger). No calibration; for MatMul-heavy models.
    /// </summary>
    Dynamic,
}
