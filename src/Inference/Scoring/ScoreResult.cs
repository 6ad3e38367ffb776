namespace Edge.Inference;

/// <summary>The top-1 class of one sample and its calibrated score.</summary>
/// <param name="ClassIndex">Index of the most probable class (lowest index on ties).</param>
/// <param name="Score">The quantity compared with the routing threshold, in [0, 1].</param>
/// <param name="Probability">The calibrated probability of <paramref name="ClassIndex"/>.</param>
public readonly record struct ScoreResult(int ClassIndex, double Score, double Probability);
