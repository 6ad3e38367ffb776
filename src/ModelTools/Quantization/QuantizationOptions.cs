namespace Edge.ModelTools.Quantization;

using System.ComponentModel.DataAnnotations;
using Edge.ModelTools.Calibration;

/// <summary>Post-training static quantization settings (config section <c>ModelTools:Quantization</c> when bound).</summary>
internal sealed class QuantizationOptions
{
    public const string Section = "ModelTools:Quantization";

    /// <summary><see cref="QuantizationMode.Dynamic"/> ignores the calibration settings and the activation type (always uint8).</summary>
    public QuantizationMode Mode { get; set; } = QuantizationMode.Static;

    public ActivationType ActivationType { get; set; } = ActivationType.Auto;

    public CalibrationMethod CalibrationMethod { get; set; } = CalibrationMethod.MinMax;

    /// <summary>For <see cref="CalibrationMethod.Percentile"/>: the share of values kept inside the range.</summary>
    [Range(90.0, 100.0)]
    public double Percentile { get; set; } = 99.99;

    /// <summary>Calibration samples per ONNX Runtime run; larger is faster but holds every intermediate tensor of the batch.</summary>
    [Range(1, 4096)]
    public int CalibrationBatchSize { get; set; } = 32;

    /// <summary>
    /// 7-bit weights ([-63, 63]): avoids the 16-bit intermediate saturation of U8S8 on x86 without VNNI
    /// (VPMADDUBSW), at some precision cost. Off by default, as in ONNX Runtime.
    /// </summary>
    public bool ReduceRange { get; set; }

    /// <summary>Node names (or, for unnamed nodes, first output names) to keep in float, e.g. a sensitive first or last layer.</summary>
    public IReadOnlyList<string> Exclude { get; set; } = [];
}
