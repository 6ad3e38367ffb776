namespace Edge.Shared.Inference;

/// <summary>What the agent answers to every inference request, whatever path it took.</summary>
public sealed class InferenceAnswer
{
    public required string Label { get; init; }

    public int ClassIndex { get; init; }

    /// <summary>The local model's calibrated score (the quantity compared with the threshold).</summary>
    public double Score { get; init; }

    public Decision Decision { get; init; }

    public double Threshold { get; init; }

    /// <summary>Wall time inside the agent, from the body read (parsing included) to the answer ready.</summary>
    public double LatencyMs { get; init; }

    public required string LocalLabel { get; init; }

    public string? CloudLabel { get; init; }

    /// <summary>Why the cloud was not used when it was wanted (only for <see cref="Decision.LocalDegraded"/>).</summary>
    public string? DegradedReason { get; init; }

    public required string ModelVersion { get; init; }

    /// <summary>The local model's top-k classes with their calibrated probabilities, best first (<c>Inference:TopK</c>).</summary>
    public IReadOnlyList<ClassProbability> Top { get; init; } = [];
}
