namespace Edge.Shared.Telemetry;

/// <summary>
/// The fixed bins of the confidence histogram: 100 bins of width 0.01 on [0, 1]; bin i holds scores in
/// [i/100, (i+1)/100), the last one also 1.0. Every score function (MaxProbability, Margin, 1 − normalised entropy)
/// lies in [0, 1], so nothing above 1 is ever counted; a score outside (or NaN) is clamped into the nearest end bin.
/// With 0.01-wide bins every candidate threshold 0.00, 0.01, … 1.00 falls on a bin edge, so the share of requests
/// at or above a threshold is read off exactly, without interpolation.
/// </summary>
public static class ScoreBins
{
    public const int Count = 100;

    public const double Width = 1.0 / Count;

    /// <summary>The bin a score counts in; no allocation, no branches beyond the clamps (hot path).</summary>
    public static int Of(double score)
    {
        if (!(score > 0))
        {
            return 0;
        }

        var bin = (int)(score * Count);
        return bin >= Count ? Count - 1 : bin;
    }

    public static double Lower(int bin) => bin * Width;

    /// <summary>The first bin whose scores are all ≥ <paramref name="threshold"/> (thresholds are rounded to a bin edge).</summary>
    public static int FirstAtOrAbove(double threshold) =>
        threshold <= 0 ? 0 : threshold > 1 ? Count : (int)Math.Min(Count, Math.Round(threshold * Count, MidpointRounding.AwayFromZero));
}
