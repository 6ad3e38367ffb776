namespace Edge.Shared.Config;

/// <summary>How the calibrated probabilities become the one score compared with the threshold.</summary>
public enum ScoreFunction
{
    /// <summary>Top-1 probability (the default).</summary>
    MaxProbability,

    /// <summary>Top-1 minus top-2 probability.</summary>
    Margin,

    /// <summary>One minus the entropy normalised by log(classes).</summary>
    Entropy,
}
