namespace Edge.ModelTools.Pruning;

using System.ComponentModel.DataAnnotations;

/// <summary>Magnitude pruning settings (config section <c>ModelTools:Pruning</c> when bound).</summary>
internal sealed class PruningOptions
{
    public const string Section = "ModelTools:Pruning";

    /// <summary>Per layer (each tensor to the target) or one threshold over all pruned tensors.</summary>
    public PruningScope Scope { get; set; } = PruningScope.Global;

    /// <summary>Share of the pruned weights set to zero (0.5 = half): of all of them (Global) or of each tensor (PerLayer).</summary>
    [Range(0.0, 0.999)]
    public double Sparsity { get; set; } = 0.5;

    /// <summary>
    /// Weight tensors with fewer elements are left whole: a tiny layer saves nothing on disk and each of its
    /// weights carries much of the model's accuracy (the stem conv, a 10-class head).
    /// </summary>
    [Range(0, int.MaxValue)]
    public int MinParameters { get; set; } = 256;

    /// <summary>
    /// Grouped/depthwise convolutions (<c>group</c> &gt; 1) are left whole by default: a depthwise filter has 9
    /// weights per channel, so pruning half of them destroys the filter, and they are a small share of the bytes.
    /// </summary>
    public bool PruneGroupedConvolutions { get; set; }
}
