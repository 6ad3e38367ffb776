namespace Edge.ModelTools.Calibration;

using Edge.Inference;
using Edge.Shared.Config;

/// <summary>One bin of a reliability table: samples whose confidence fell in [Lower, Upper).</summary>
public sealed record ReliabilityBin(double Lower, double Upper, int Count, double Confidence, double Accuracy);

/// <summary>How well a temperature's probabilities match what the model gets right, on one labelled set.</summary>
public sealed record CalibrationQuality(int Count, double Accuracy, double Ece, double Nll, IReadOnlyList<ReliabilityBin> Bins);

/// <summary>
/// Temperature scaling (Guo et al. 2017) for every <see cref="OutputKind"/>: the T minimising the negative
/// log-likelihood of the labels, with the temperature applied in log space exactly as the agent scores.
/// </summary>
public static class TemperatureFit
{
    /// <summary>Equal-width confidence bins, as the training scripts use for ECE.</summary>
    public const int Bins = 15;

    public const double MinTemperature = 0.05;

    public const double MaxTemperature = 20;

    /// <param name="rows">Each sample's raw model output (the row scoring calibrates).</param>
    public static double Fit(IReadOnlyList<float[]> rows, IReadOnlyList<int> labels, OutputKind kind)
    {
        Check(rows, labels);

        // NLL is unimodal in log T for these families; a golden-section search finds it to 1e-4 in ~30 steps.
        double lo = Math.Log(MinTemperature), hi = Math.Log(MaxTemperature);
        var phi = (Math.Sqrt(5) - 1) / 2;
        double a = hi - (phi * (hi - lo)), b = lo + (phi * (hi - lo));
        double fa = Measure(rows, labels, kind, Math.Exp(a)).Nll, fb = Measure(rows, labels, kind, Math.Exp(b)).Nll;
        while (hi - lo > 1e-4)
        {
            if (fa <= fb)
            {
                (hi, b, fb) = (b, a, fa);
                a = hi - (phi * (hi - lo));
                fa = Measure(rows, labels, kind, Math.Exp(a)).Nll;
            }
            else
            {
                (lo, a, fa) = (a, b, fb);
                b = lo + (phi * (hi - lo));
                fb = Measure(rows, labels, kind, Math.Exp(b)).Nll;
            }
        }

        return Math.Round(Math.Exp((lo + hi) / 2), 4);
    }

    public static CalibrationQuality Measure(IReadOnlyList<float[]> rows, IReadOnlyList<int> labels, OutputKind kind, double temperature)
    {
        Check(rows, labels);
        var count = new int[Bins];
        var confidence = new double[Bins];
        var correct = new int[Bins];
        var probabilities = new float[Width(rows[0], kind)];
        double nll = 0;
        var right = 0;
        for (var i = 0; i < rows.Count; i++)
        {
            var (top, _, p) = Scoring.Score(rows[i], kind, temperature, ScoreFunction.MaxProbability, probabilities);
            var bin = Math.Min((int)(p * Bins), Bins - 1);
            count[bin]++;
            confidence[bin] += p;
            if (top == labels[i])
            {
                correct[bin]++;
                right++;
            }

            nll -= Math.Log(Math.Max(probabilities[labels[i]], 1e-12));
        }

        var n = rows.Count;
        var ece = Enumerable.Range(0, Bins).Where(b => count[b] > 0).Sum(b => Math.Abs((confidence[b] / count[b]) - ((double)correct[b] / count[b])) * count[b] / n);
        var bins = Enumerable.Range(0, Bins).Select(b => new ReliabilityBin(
            (double)b / Bins, (double)(b + 1) / Bins, count[b],
            count[b] == 0 ? 0 : confidence[b] / count[b], count[b] == 0 ? 0 : (double)correct[b] / count[b])).ToList();
        return new CalibrationQuality(n, (double)right / n, ece, nll / n, bins);
    }

    private static int Width(float[] row, OutputKind kind) => kind == OutputKind.Sigmoid ? 2 : row.Length;

    private static void Check(IReadOnlyList<float[]> rows, IReadOnlyList<int> labels)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(labels);
        if (rows.Count == 0 || rows.Count != labels.Count)
        {
            throw new ArgumentException($"{rows.Count} output rows for {labels.Count} labels; both must be equal and non-zero", nameof(rows));
        }
    }
}
