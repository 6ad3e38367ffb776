namespace Edge.ModelTools.Pruning;

/// <summary>Where the magnitude threshold is chosen.</summary>
public enum PruningScope
{
    /// <summary>Every pruned tensor reaches the sparsity target: no layer is emptied, whatever its weights' scale.</summary>
    PerLayer,

    /// <summary>
    /// One threshold over all pruned tensors: the overall sparsity is the target, layers with large weights keep
    /// more. With batch norm folded into the weights their scales differ per layer, so this can empty a layer.
    /// </summary>
    Global,
}
