namespace Edge.ModelTools.Quantization;

/// <summary>A QDQ model and what was done to it.</summary>
internal sealed record QuantizedModel(
    byte[] Bytes,
    ActivationType ActivationType,
    IReadOnlyList<QuantizedLayer> Layers,
    IReadOnlyList<string> FloatOps,
    int QdqPairs);
