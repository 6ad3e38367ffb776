namespace Edge.Shared.Inference;

/// <summary>One class of a model's answer with its calibrated probability (an answer's top-k, best first).</summary>
public readonly record struct ClassProbability(string Label, double Probability);
