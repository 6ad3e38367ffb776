namespace Edge.ModelTools.Calibration;

using Edge.ModelTools.Onnx;

/// <summary>
/// KL-divergence calibration as in TensorRT (and ONNX Runtime's <c>CalibrationMethod.Entropy</c>): a 2,048-bin
/// histogram of |x| up to max|x|; for each candidate threshold i ≥ 128 bins, the reference P is the histogram
/// up to i with the clipped tail added to its last bin, Q is the same bins merged into 128 levels and spread back
/// over the non-empty bins; the threshold with the least KL(P‖Q) wins. The range is the observed one clipped to
/// [−threshold, threshold], so it is never wider than MinMax.
/// </summary>
internal static class EntropyCalibrator
{
    private const int Bins = 2048;
    private const int Levels = 128;

    public static Dictionary<string, TensorRange> Collect(
        BatchRunner runner, Dictionary<string, TensorRange> minMax, string inputName, TensorSet data, IReadOnlyList<string> outputs, int batchSize)
    {
        var histograms = minMax.ToDictionary(kv => kv.Key, _ => new long[Bins], StringComparer.Ordinal);
        Count(histograms[inputName], minMax[inputName], data.Samples.SelectMany(s => s).ToArray());
        runner.Run(data, outputs, (name, values, _, _) => Count(histograms[name], minMax[name], values), batchSize);
        return minMax.ToDictionary(kv => kv.Key, kv =>
        {
            // The model input keeps its observed range: it takes few distinct values (raw pixels × scale), so its
            // histogram is sparse and KL is smallest at a threshold that would saturate most real inputs.
            if (kv.Key == inputName)
            {
                return kv.Value;
            }

            // Signed tensors (pre-activations feeding HardSwish, residual sums) keep their observed range: the
            // |x| histogram folds both tails together, and the threshold it picks clipped a MobileNetV3-style
            // export's stem to 20 dB SQNR (MinMax: 36 dB). KL thresholds are for ReLU-like, one-sided activations.
            if (kv.Value.Min < 0)
            {
                return kv.Value;
            }

            var threshold = Threshold(histograms[kv.Key]) * AbsMax(kv.Value) / Bins;
            return new TensorRange(Math.Max(kv.Value.Min, -threshold), Math.Min(kv.Value.Max, threshold));
        }, StringComparer.Ordinal);
    }

    private static float AbsMax(TensorRange range) => Math.Max(Math.Abs(range.Min), Math.Abs(range.Max));

    private static void Count(long[] histogram, TensorRange range, ReadOnlySpan<float> values)
    {
        var absMax = Math.Max(AbsMax(range), float.Epsilon);
        foreach (var v in values)
        {
            histogram[Math.Clamp((int)(Math.Abs(v) / absMax * Bins), 0, Bins - 1)]++;
        }
    }

    /// <summary>The number of bins (from 0) kept by the KL-optimal threshold.</summary>
    internal static int Threshold(long[] counts)
    {
        // As NVIDIA's calibrator does: the spike of exact zeros (ReLU outputs, padding) would dominate P and Q and
        // pull the threshold in; bin 0 is given its neighbour's count instead.
        var histogram = (long[])counts.Clone();
        histogram[0] = histogram.Length > 1 && histogram[1] > 0 ? histogram[1] : histogram[0];
        var bins = histogram.Length;
        var best = bins;
        var bestKl = double.MaxValue;
        var p = new double[bins];
        var q = new double[bins];
        var tail = histogram.Sum();
        var prefix = 0L;
        for (var i = 0; i < Levels; i++)
        {
            prefix += histogram[i];
        }

        for (var i = Levels; i <= bins; i++)
        {
            // Outliers beyond the threshold saturate into the last kept bin.
            var outliers = tail - prefix;
            for (var j = 0; j < i; j++)
            {
                p[j] = histogram[j];
            }

            p[i - 1] += outliers;
            for (var level = 0; level < Levels; level++)
            {
                int start = level * i / Levels, end = (level + 1) * i / Levels;
                long sum = 0;
                var nonEmpty = 0;
                for (var j = start; j < end; j++)
                {
                    sum += histogram[j];
                    nonEmpty += histogram[j] > 0 ? 1 : 0;
                }

                for (var j = start; j < end; j++)
                {
                    q[j] = histogram[j] > 0 ? (double)sum / nonEmpty : 0;
                }
            }

            var kl = Divergence(p.AsSpan(0, i), q.AsSpan(0, i));
            if (kl < bestKl)
            {
                bestKl = kl;
                best = i;
            }

            if (i < bins)
            {
                prefix += histogram[i];
            }
        }

        return best;
    }

    /// <summary>KL(P‖Q) of unnormalised histograms; a bin where Q is empty but P is not costs as if Q held 1e-4 of a count.</summary>
    private static double Divergence(ReadOnlySpan<double> p, ReadOnlySpan<double> q)
    {
        double pSum = 0, qSum = 0;
        for (var j = 0; j < p.Length; j++)
        {
            pSum += p[j];
            qSum += q[j];
        }

        if (pSum == 0 || qSum == 0)
        {
            return double.MaxValue;
        }

        double kl = 0;
        for (var j = 0; j < p.Length; j++)
        {
            if (p[j] > 0)
            {
                var pj = p[j] / pSum;
                kl += pj * Math.Log(pj / (Math.Max(q[j], 1e-4) / qSum));
            }
        }

        return kl;
    }
}
