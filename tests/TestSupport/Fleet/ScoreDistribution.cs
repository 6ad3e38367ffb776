namespace Edge.TestSupport.Fleet;

/// <summary>
/// The scores simulated devices draw their requests from, in a fixed walk, with whether the edge and the cloud answer
/// each one correctly (both taken as correct when unknown).
/// </summary>
public sealed class ScoreDistribution
{
    public ScoreDistribution(double[] scores, bool[]? edgeCorrect = null, bool[]? cloudCorrect = null)
    {
        ArgumentNullException.ThrowIfNull(scores);
        if (scores.Length == 0 || scores.Length % Stride == 0)
        {
            throw new ArgumentException($"need a non-empty distribution whose size is not a multiple of {Stride}", nameof(scores));
        }

        Scores = scores;
        EdgeCorrect = edgeCorrect ?? [.. scores.Select(_ => true)];
        CloudCorrect = cloudCorrect ?? [.. scores.Select(_ => true)];
    }

    /// <summary>Prime, so consecutive requests (index × stride mod size) walk the whole distribution evenly.</summary>
    public const int Stride = 617;

    /// <summary>score = 1 − 0.5·u⁴ for u uniform on 1000 points: most requests confident, a tail down to 0.5.</summary>
    public static ScoreDistribution Synthetic { get; } =
        new([.. Enumerable.Range(0, 1000).Select(i => 1 - (0.5 * Math.Pow((i + 0.5) / 1000, 4)))]);

    public double[] Scores { get; }

    public bool[] EdgeCorrect { get; }

    public bool[] CloudCorrect { get; }

    public int Count => Scores.Length;

    /// <summary>Share of the distribution below <paramref name="threshold"/> (what the cloud gets).</summary>
    public double CloudShare(double threshold) => Scores.Count(s => s < threshold) / (double)Count;

    /// <summary>Accuracy of the whole path at <paramref name="threshold"/>: the edge's answer at or above it, the cloud's below.</summary>
    public double Accuracy(double threshold) =>
        Enumerable.Range(0, Count).Count(i => Scores[i] >= threshold ? EdgeCorrect[i] : CloudCorrect[i]) / (double)Count;

    internal int Index(long cursor) => (int)((cursor * Stride) % Count);
}
