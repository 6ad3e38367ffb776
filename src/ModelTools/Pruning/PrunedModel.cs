namespace Edge.ModelTools.Pruning;

/// <summary>One pruned weight tensor: how many of its values are now zero.</summary>
internal sealed record PrunedTensor(string Name, string OpType, int Parameters, int Zeros)
{
    public double Sparsity => Parameters == 0 ? 0 : (double)Zeros / Parameters;
}

/// <summary>An FP32 model with zeroed weights (same graph, same tensor names) and what was pruned.</summary>
internal sealed record PrunedModel(byte[] Bytes, IReadOnlyList<PrunedTensor> Tensors, IReadOnlyList<string> Skipped)
{
    /// <summary>Zeros over all pruned tensors together.</summary>
    public double Sparsity => Tensors.Sum(t => (double)t.Zeros) / Math.Max(1, Tensors.Sum(t => t.Parameters));
}
