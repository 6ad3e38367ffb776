namespace Edge.ModelTools.Calibration;

using Edge.ModelTools.Onnx;
using global::Onnx;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// Runs calibration inputs through ONNX Runtime with every requested intermediate tensor added as a graph
/// output, and reduces what it sees to one range per tensor.
/// </summary>
internal static class RangeCollector
{
    private const int Bins = 2048;

    public static Dictionary<string, TensorRange> Collect(
        ModelProto model, IReadOnlyCollection<string> tensors, TensorSet data, CalibrationMethod method, double percentile, int batchSize)
    {
        var inputName = model.Graph.Input.First(i => model.Graph.Initializer.All(t => t.Name != i.Name)).Name;
        var outputs = tensors.Where(t => t != inputName).Distinct(StringComparer.Ordinal).ToList();
        // Calibration measures the float model as written: no fusions that could hide an intermediate tensor.
        using var runner = new BatchRunner(OnnxFile.ToBytes(OnnxFile.WithOutputs(model, outputs)), "the calibration graph", GraphOptimizationLevel.ORT_DISABLE_ALL);
        var minMax = new Dictionary<string, TensorRange>(StringComparer.Ordinal);
        Observe(minMax, inputName, data.Samples.SelectMany(s => s).ToArray());
        runner.Run(data, outputs, (name, values, _, _) => Observe(minMax, name, values), batchSize);
        if (method == CalibrationMethod.MinMax)
        {
            return minMax;
        }

        var clipped = method == CalibrationMethod.Entropy
            ? EntropyCalibrator.Collect(runner, minMax, inputName, data, outputs, batchSize)
            : Percentile(runner, minMax, inputName, data, outputs, percentile, batchSize);

        // Gates (Sigmoid, HardSigmoid: squeeze-excite, attention) are bounded by construction and their values pile up
        // at both ends; clipping them as outliers saturates every gate (measured: an SE model fell from 94 % to 16 %).
        foreach (var gate in model.Graph.Node.Where(n => n.OpType is "Sigmoid" or "HardSigmoid").SelectMany(n => n.Output))
        {
            if (minMax.TryGetValue(gate, out var observed))
            {
                clipped[gate] = observed;
            }
        }

        return clipped;
    }

    private static Dictionary<string, TensorRange> Percentile(
        BatchRunner runner, Dictionary<string, TensorRange> minMax, string inputName, TensorSet data, List<string> outputs, double percentile, int batchSize)
    {
        var histograms = minMax.ToDictionary(kv => kv.Key, _ => new long[Bins], StringComparer.Ordinal);
        Count(histograms[inputName], minMax[inputName], data.Samples.SelectMany(s => s).ToArray());
        runner.Run(data, outputs, (name, values, _, _) => Count(histograms[name], minMax[name], values), batchSize);
        return minMax.ToDictionary(kv => kv.Key, kv => Clip(histograms[kv.Key], kv.Value, percentile), StringComparer.Ordinal);
    }

    private static void Observe(Dictionary<string, TensorRange> ranges, string name, ReadOnlySpan<float> values)
    {
        var (min, max) = ranges.TryGetValue(name, out var r) ? (r.Min, r.Max) : (float.MaxValue, float.MinValue);
        foreach (var v in values)
        {
            min = Math.Min(min, v);
            max = Math.Max(max, v);
        }

        ranges[name] = new TensorRange(min, max);
    }

    private static void Count(long[] histogram, TensorRange range, ReadOnlySpan<float> values)
    {
        var width = Math.Max(range.Max - range.Min, float.Epsilon);
        foreach (var v in values)
        {
            histogram[Math.Clamp((int)((v - range.Min) / width * Bins), 0, Bins - 1)]++;
        }
    }

    /// <summary>Cuts (100 − p) / 2 % of the values from each tail; the edges are bin edges, never beyond min/max.</summary>
    private static TensorRange Clip(long[] histogram, TensorRange range, double percentile)
    {
        var total = histogram.Sum();
        var cut = total * (100 - percentile) / 200;
        var width = (range.Max - range.Min) / Bins;
        int lo = 0, hi = Bins - 1;
        for (long seen = 0; lo < Bins - 1 && seen + histogram[lo] <= cut; lo++)
        {
            seen += histogram[lo];
        }

        for (long seen = 0; hi > lo && seen + histogram[hi] <= cut; hi--)
        {
            seen += histogram[hi];
        }

        return new TensorRange(range.Min + (lo * width), range.Min + ((hi + 1) * width));
    }
}
