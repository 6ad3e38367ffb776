namespace Edge.ModelTools.Quantization;

/// <summary>A QDQ model and what was done to it.</summary>
internal sealed record QuantizedModel(
    byte[] Bytes,
    ActivationType ActivationType,
    IReadOnlyList<QuantizedLayer> Layers,
    IReadOnlyList<FloatNode> FloatNodes,
    int QdqPairs)
{
    public IReadOnlyList<string> FloatOps => [.. FloatNodes.Select(n => n.OpType)];
}

/// <summary>A node the quantizer left in float, and why (the report names each one).</summary>
internal sealed record FloatNode(string Name, string OpType, string Reason)
{
    public override string ToString() => $"{OpType} '{Name}' ({Reason})";
}
