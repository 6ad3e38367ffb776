namespace Edge.Demo;

using Edge.Shared.Inference;

/// <summary>Answers of one pass over the held-out set, split by the path each took.</summary>
internal sealed class PathStats
{
    private readonly List<(Decision Decision, bool Correct, bool LocalCorrect, double LatencyMs)> _answers = [];
    private readonly Dictionary<string, int> _degradedReasons = new(StringComparer.Ordinal);

    public int Count => _answers.Count;

    public void Add(InferenceAnswer answer, int expectedLabel)
    {
        var expected = expectedLabel.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _answers.Add((answer.Decision, answer.Label == expected, answer.LocalLabel == expected, answer.LatencyMs));
        if (answer.DegradedReason is { } reason)
        {
            _degradedReasons[reason] = _degradedReasons.GetValueOrDefault(reason) + 1;
        }
    }

    /// <summary>Why answers were degraded, e.g. "cloud-unreachable ×4, cloud-circuit-open ×158".</summary>
    public string DegradedReasons => string.Join(", ", _degradedReasons.OrderByDescending(r => r.Value).Select(r => $"{r.Key} ×{r.Value}"));

    public double Share(Decision decision) => Count == 0 ? 0 : (double)_answers.Count(a => a.Decision == decision) / Count;

    public double Accuracy => Count == 0 ? 0 : (double)_answers.Count(a => a.Correct) / Count;

    public double LocalAccuracy => Count == 0 ? 0 : (double)_answers.Count(a => a.LocalCorrect) / Count;

    /// <summary>Latency percentile (ms) of answers that took <paramref name="decision"/>; NaN when none did.</summary>
    public double Percentile(Decision decision, double p)
    {
        var sorted = _answers.Where(a => a.Decision == decision).Select(a => a.LatencyMs).Order().ToArray();
        return Percentiles.Of(sorted, p);
    }
}

internal static class Percentiles
{
    /// <summary>Nearest-rank percentile of an ascending array; NaN when empty.</summary>
    public static double Of(double[] sorted, double p)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(p / 100.0 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}
