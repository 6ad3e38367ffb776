namespace Edge.ModelTools.Calibration;

/// <summary>The float range an activation is quantized over.</summary>
internal readonly record struct TensorRange(float Min, float Max);
