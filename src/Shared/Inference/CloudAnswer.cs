namespace Edge.Shared.Inference;

/// <summary>The cloud's answer to <c>POST /v1/infer</c>.</summary>
public sealed class CloudAnswer
{
    public required string Label { get; init; }

    public int ClassIndex { get; init; }

    /// <summary>The cloud model's calibrated max probability.</summary>
    public double Score { get; init; }

    public required string Model { get; init; }

    public double LatencyMs { get; init; }

    /// <summary>The cloud model's top-k classes with their calibrated probabilities, best first (<c>Inference:TopK</c>).</summary>
    public IReadOnlyList<ClassProbability> Top { get; init; } = [];
}
