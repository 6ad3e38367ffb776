namespace Edge.Shared.Inference;

/// <summary>
/// A dense float tensor in the model's raw input units (for digits: 8×8 values in 0..16).
/// The receiver applies the model manifest's preprocessing; it never trusts the sender's scaling.
/// </summary>
public sealed class TensorPayload
{
    public int[] Shape { get; set; } = [];

    public float[] Data { get; set; } = [];
}
