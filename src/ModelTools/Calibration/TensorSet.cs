namespace Edge.ModelTools.Calibration;

using Edge.Inference;
using Edge.Shared.Models;

/// <summary>
/// Preprocessed model inputs, one [C,H,W] sample per row, with labels when known (held-out data). Calibration
/// needs only the tensors; evaluation needs the labels too.
/// </summary>
internal sealed class TensorSet
{
    public TensorSet(int[] sampleShape, IReadOnlyList<float[]> samples, IReadOnlyList<int>? labels = null)
    {
        ArgumentNullException.ThrowIfNull(sampleShape);
        ArgumentNullException.ThrowIfNull(samples);
        SampleShape = sampleShape;
        Samples = samples;
        Labels = labels;
        SampleLength = sampleShape.Aggregate(1, (a, b) => a * b);
        for (var i = 0; i < samples.Count; i++)
        {
            if (samples[i].Length != SampleLength)
            {
                throw new QuantizationException(
                    $"sample {i} has {samples[i].Length} values; [{string.Join(',', sampleShape)}] needs {SampleLength}");
            }
        }

        if (labels is not null && labels.Count != samples.Count)
        {
            throw new ArgumentException($"{labels.Count} labels for {samples.Count} samples", nameof(labels));
        }
    }

    public int[] SampleShape { get; }

    public int SampleLength { get; }

    public IReadOnlyList<float[]> Samples { get; }

    public IReadOnlyList<int>? Labels { get; }

    public int Count => Samples.Count;

    /// <summary>Raw digits preprocessed exactly as the agent does (manifest contract), optionally the first <paramref name="limit"/>.</summary>
    public static TensorSet FromDigits(ModelInput input, IEnumerable<DigitSample> digits, int limit = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(digits);
        var preprocessor = new Preprocessor(input);
        var samples = new List<float[]>();
        var labels = new List<int>();
        foreach (var digit in digits.Take(limit))
        {
            var x = new float[preprocessor.Length];
            preprocessor.FromSample(digit.Pixels, x);
            samples.Add(x);
            labels.Add(digit.Label);
        }

        return new TensorSet([.. preprocessor.SampleShape], samples, labels);
    }
}
