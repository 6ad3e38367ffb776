namespace Edge.ModelTools.Evaluation;

using Edge.Inference;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Onnx;
using Edge.ModelTools.Quantization;
using Edge.Shared.Models;

/// <summary>Runs the FP32 and INT8 models side by side: top-1 on held-out data, per-layer error on calibration data.</summary>
internal static class ModelEvaluator
{
    /// <param name="output">The manifest's output (name and kind); null: the graph's first output, read as scores.</param>
    public static QuantizationReport Compare(byte[] fp32Model, QuantizedModel int8, TensorSet heldOut, TensorSet calibration, int batchSize = 32, ModelOutput? output = null)
    {
        ArgumentNullException.ThrowIfNull(int8);
        ArgumentNullException.ThrowIfNull(heldOut);
        var labels = heldOut.Labels ?? throw new ArgumentException("held-out data needs labels", nameof(heldOut));
        var fp32 = Predict(fp32Model, "the FP32 model", heldOut, batchSize, output);
        var q = Predict(int8.Bytes, "the INT8 model", heldOut, batchSize, output);
        var n = heldOut.Count;
        var fp32Correct = Enumerable.Range(0, n).Count(i => fp32[i] == labels[i]);
        var int8Correct = Enumerable.Range(0, n).Count(i => q[i] == labels[i]);
        var agree = Enumerable.Range(0, n).Count(i => fp32[i] == q[i]);
        return new QuantizationReport(
            int8.ActivationType, n, Percent(fp32Correct, n), Percent(int8Correct, n), Percent(agree, n),
            LayerErrors(fp32Model, int8, calibration, batchSize));
    }

    /// <summary>Top-1 class per sample, from <paramref name="output"/> (default: the graph's first output).</summary>
    public static int[] Predict(byte[] model, string source, TensorSet data, int batchSize = 32, ModelOutput? output = null)
    {
        var sigmoid = output?.Kind == OutputKinds.Sigmoid;
        return [.. Rows(model, source, data, output?.Name, batchSize).Select(row => Top1(row, sigmoid))];
    }

    /// <summary>The raw output row of every sample (what scoring calibrates), from <paramref name="output"/> or the first output.</summary>
    public static float[][] Rows(byte[] model, string source, TensorSet data, string? output = null, int batchSize = 32, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        output ??= OnnxFile.Parse(model, source).Graph.Output[0].Name;
        var rows = new float[data.Count][];
        using var runner = new BatchRunner(model, source);
        runner.Run(data, [output], (_, values, start, count) =>
        {
            var width = values.Length / count;
            for (var i = 0; i < count; i++)
            {
                rows[start + i] = values.Slice(i * width, width).ToArray();
            }

            progress?.Report(start + count);
        }, batchSize);
        return rows;
    }

    /// <summary>Softmax, log-softmax and temperature keep the arg-max; a single sigmoid output means class 1 from 0.5 up.</summary>
    public static int Top1(ReadOnlySpan<float> row, bool sigmoid) => sigmoid && row.Length == 1
        ? (row[0] >= 0.5f ? 1 : 0)
        : IndexOfMax(row);

    private static int IndexOfMax(ReadOnlySpan<float> row)
    {
        var best = 0;
        for (var i = 1; i < row.Length; i++)
        {
            if (row[i] > row[best])
            {
                best = i;
            }
        }

        return best;
    }

    private static List<LayerError> LayerErrors(byte[] fp32Model, QuantizedModel int8, TensorSet data, int batchSize)
    {
        var layers = int8.Layers;
        if (layers.Count == 0)
        {
            return []; // nothing was quantized (a dynamic pass over a model without MatMul/Gemm): ORT refuses a run with no outputs
        }

        using var fp32 = new BatchRunner(
            OnnxFile.ToBytes(OnnxFile.WithOutputs(OnnxFile.Parse(fp32Model, "the FP32 model"), layers.Select(l => l.FloatTensor))), "the FP32 probe");
        using var q = new BatchRunner(
            OnnxFile.ToBytes(OnnxFile.WithOutputs(OnnxFile.Parse(int8.Bytes, "the INT8 model"), layers.Select(l => l.QuantizedTensor))), "the INT8 probe");
        var signal = new double[layers.Count];
        var noise = new double[layers.Count];
        var reference = new Dictionary<string, float[]>(StringComparer.Ordinal);
        for (var start = 0; start < data.Count; start += batchSize)
        {
            // One batch at a time: every intermediate tensor of a whole data set would not fit for camera models.
            var batch = new TensorSet(data.SampleShape, data.Samples.Skip(start).Take(batchSize).ToList());
            fp32.Run(batch, layers.Select(l => l.FloatTensor).ToList(), (name, values, _, _) => reference[name] = values.ToArray(), batchSize);
            q.Run(batch, layers.Select(l => l.QuantizedTensor).ToList(), (name, values, _, _) =>
            {
                for (var i = 0; i < layers.Count; i++)
                {
                    if (layers[i].QuantizedTensor != name)
                    {
                        continue;
                    }

                    var f = reference[layers[i].FloatTensor];
                    for (var j = 0; j < f.Length; j++)
                    {
                        signal[i] += (double)f[j] * f[j];
                        noise[i] += ((double)values[j] - f[j]) * ((double)values[j] - f[j]);
                    }
                }
            }, batchSize);
        }

        return layers.Select((l, i) => new LayerError(
            l.NodeName, l.OpType,
            signal[i] > 0 ? Math.Sqrt(noise[i] / signal[i]) : 0,
            noise[i] > 0 ? 10 * Math.Log10(signal[i] / noise[i]) : double.PositiveInfinity)).ToList();
    }

    private static double Percent(int count, int total) => total == 0 ? 0 : 100.0 * count / total;
}
