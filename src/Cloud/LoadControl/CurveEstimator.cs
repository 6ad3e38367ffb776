namespace Edge.Cloud.LoadControl;

using Edge.Shared.Telemetry;

/// <summary>
/// The what-if estimator (docs/load-control.md). Local share at threshold t is the share of the group's histogram in
/// bins ≥ t. Local accuracy at a score comes from labelled samples (edge label = cloud label counts as correct):
/// pooled in 0.05-wide score bands, a band with fewer than <see cref="MinSamplesPerBand"/> samples widened to its
/// neighbours until it has them. Expected accuracy at t = Σ_{bins ≥ t} share × local accuracy + Σ_{bins &lt; t} share × 1
/// (the cloud's answer is taken as correct).
/// </summary>
internal static class CurveEstimator
{
    public const int MinSamplesPerBand = 5;

    private const int Bands = 20;

    private const int BinsPerBand = ScoreBins.Count / Bands;

    /// <summary>Candidate thresholds 0.50, 0.51 … 0.99.</summary>
    public static IReadOnlyList<double> Candidates { get; } = [.. Enumerable.Range(50, 50).Select(i => i / 100.0)];

    /// <summary>Share of requests whose score is below <paramref name="threshold"/> (they would go to the cloud).</summary>
    public static double CloudShare(long[] scores, double threshold)
    {
        long total = 0, below = 0;
        var first = ScoreBins.FirstAtOrAbove(threshold);
        for (var i = 0; i < scores.Length; i++)
        {
            total += scores[i];
            below += i < first ? scores[i] : 0;
        }

        return total == 0 ? 0 : (double)below / total;
    }

    /// <summary>
    /// Feed-forward: the highest threshold whose cloud share is at most <paramref name="share"/> (the share-quantile of the
    /// histogram, interpolated linearly inside the bin where it falls).
    /// </summary>
    public static double Quantile(long[] scores, double share)
    {
        var total = scores.Sum();
        if (total == 0)
        {
            return double.NaN;
        }

        var wanted = Math.Clamp(share, 0, 1) * total;
        double cumulative = 0;
        for (var i = 0; i < scores.Length; i++)
        {
            if (cumulative + scores[i] > wanted)
            {
                return ScoreBins.Lower(i) + ScoreBins.Width * (scores[i] == 0 ? 0 : (wanted - cumulative) / scores[i]);
            }

            cumulative += scores[i];
        }

        return 1.0;
    }

    /// <summary>Local accuracy per histogram bin, or null without any labelled sample.</summary>
    public static double[]? AccuracyPerBin(IReadOnlyList<(double Score, bool Correct)> samples)
    {
        if (samples.Count == 0)
        {
            return null;
        }

        var n = new int[Bands];
        var correct = new int[Bands];
        foreach (var (score, ok) in samples)
        {
            var band = ScoreBins.Of(score) / BinsPerBand;
            n[band]++;
            correct[band] += ok ? 1 : 0;
        }

        var perBin = new double[ScoreBins.Count];
        for (var band = 0; band < Bands; band++)
        {
            int lo = band, hi = band, count = n[band], right = correct[band];
            while (count < MinSamplesPerBand && (lo > 0 || hi < Bands - 1))
            {
                if (lo > 0)
                {
                    lo--;
                    count += n[lo];
                    right += correct[lo];
                }

                if (hi < Bands - 1)
                {
                    hi++;
                    count += n[hi];
                    right += correct[hi];
                }
            }

            var accuracy = (double)right / count;
            for (var b = band * BinsPerBand; b < (band + 1) * BinsPerBand; b++)
            {
                perBin[b] = accuracy;
            }
        }

        return perBin;
    }

    public static double ExpectedAccuracy(long[] scores, double[] accuracyPerBin, double threshold)
    {
        long total = 0;
        double correct = 0;
        var first = ScoreBins.FirstAtOrAbove(threshold);
        for (var i = 0; i < scores.Length; i++)
        {
            total += scores[i];
            correct += scores[i] * (i >= first ? accuracyPerBin[i] : 1.0);
        }

        return total == 0 ? 1.0 : correct / total;
    }

    public static CurvePoint[] Points(long[] scores, double[]? accuracyPerBin, double requestRate) =>
    [
        .. Candidates.Select(t =>
        {
            var cloud = CloudShare(scores, t);
            return new CurvePoint
            {
                Threshold = t,
                LocalShare = 1 - cloud,
                ExpectedAccuracy = accuracyPerBin is null ? null : ExpectedAccuracy(scores, accuracyPerBin, t),
                ExpectedCloudRate = cloud * requestRate,
            };
        }),
    ];
}
