namespace Edge.Shared.Models;

/// <summary>The quantization step recorded in a published manifest, so a device (and an operator) knows what it runs.</summary>
public sealed class ModelQuantization
{
    /// <summary><c>int8</c> (static QDQ, per-channel int8 weights).</summary>
    public required string Mode { get; set; }

    /// <summary><c>UInt8</c> or <c>Int8</c> activations: the target architecture the model was quantized for.</summary>
    public string? ActivationType { get; set; }

    public string? CalibrationMethod { get; set; }

    public int CalibrationSamples { get; set; }

    /// <summary>The FP32 upload this file was derived from.</summary>
    public string? SourceSha256 { get; set; }

    public long SourceSizeBytes { get; set; }

    /// <summary>Human-readable summary: accuracies, the gate's bound, the weakest layer.</summary>
    public string? Note { get; set; }
}
