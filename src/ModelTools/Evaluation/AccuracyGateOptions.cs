namespace Edge.ModelTools.Evaluation;

/// <summary>The publish gate for a quantized model (config section <c>ModelTools:AccuracyGate</c> when bound).</summary>
internal sealed class AccuracyGateOptions
{
    public const string Section = "ModelTools:AccuracyGate";

    /// <summary>Held-out top-1 percentage points INT8 may lose against FP32.</summary>
    public double MaxTop1DropPoints { get; set; } = 1.0;
}
