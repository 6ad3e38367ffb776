namespace Edge.ModelTools.Calibration;

using Edge.Inference;
using Edge.ModelTools.Data;
using Edge.ModelTools.Evaluation;
using Edge.Shared.Models;

/// <summary>The outcome of <see cref="ModelCalibrator.Calibrate"/>: the temperature to use and the quality either side of it.</summary>
/// <param name="Temperature">The fitted temperature when <paramref name="Adopted"/>, else the manifest's own.</param>
/// <param name="Fitted">What the fit on one split found.</param>
/// <param name="Adopted">Whether the fit made the other split's NLL (the proper score it minimises) no worse; a fit
/// that does (too few or too easy samples drive it to an extreme) is reported and not used. ECE is reported, not
/// used to decide: with 15 bins over a few hundred samples it moves by noise.</param>
/// <param name="Before">On the evaluation split, at the manifest's temperature.</param>
/// <param name="After">On the evaluation split, at <paramref name="Temperature"/>.</param>
public sealed record CalibrationResult(
    double Temperature,
    double Fitted,
    bool Adopted,
    CalibrationQuality Before,
    CalibrationQuality After,
    int FitCount,
    int Skipped,
    IReadOnlyList<string> Skips,
    IReadOnlyList<GoldenSample> Golden);

/// <summary>
/// <c>edge models calibrate</c>: fits the temperature on one split of the user's labelled data and measures it on the
/// other, both through the manifest's own preprocessing and output kind, and picks golden samples for the device's
/// self-test (raw inputs the agent must classify as the exporter did).
/// </summary>
public static class ModelCalibrator
{
    public const int MinimumSamples = 20;

    /// <summary>
    /// Raw values all golden samples may hold together (~300 KB of manifest JSON): the manifest travels in the device's
    /// desired message, capped at 1 MiB as base64. A 3×224×224 input gets none; say so rather than break every update.
    /// </summary>
    public const int MaxGoldenValues = 32 * 1024;

    /// <param name="progress">Samples run through the model so far, of <c>data.Count</c>.</param>
    /// <exception cref="DataSetException">Too few samples, labels the model does not have, or a tensor that does not fit.</exception>
    public static CalibrationResult Calibrate(ModelManifest manifest, byte[] model, LabeledData data, int golden = 3, IProgress<int>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        var prepared = PreparedData.From(manifest, data, labelled: true, "calibration data");
        var set = prepared.Tensors;
        if (set.Count < MinimumSamples)
        {
            throw new DataSetException($"calibration data {data.Source} has {set.Count} usable samples; fitting and checking a temperature needs at least {MinimumSamples}");
        }

        var kind = OutputKinds.TryParse(manifest.Output.Kind, out var k) ? k : OutputKind.Logits;
        var rows = ModelEvaluator.Rows(model, manifest.File, set, manifest.Output.Name, progress: progress);
        var labels = set.Labels!;

        // A fixed shuffle, so a rerun on the same data gives the same temperature; the halves keep each class's share roughly.
        var order = Enumerable.Range(0, set.Count).OrderBy(i => labels[i]).ThenBy(i => Mix(i)).ToList();
        var fit = order.Where((_, n) => n % 2 == 0).ToList();
        var check = order.Where((_, n) => n % 2 == 1).ToList();
        var fitted = TemperatureFit.Fit([.. fit.Select(i => rows[i])], [.. fit.Select(i => labels[i])], kind);
        var checkRows = check.Select(i => rows[i]).ToList();
        var checkLabels = check.Select(i => labels[i]).ToList();
        var current = manifest.Temperature > 0 ? manifest.Temperature : 1;
        var before = TemperatureFit.Measure(checkRows, checkLabels, kind, current);
        var candidate = TemperatureFit.Measure(checkRows, checkLabels, kind, fitted);
        var adopted = candidate.Nll <= before.Nll;
        var temperature = adopted ? fitted : current;
        var samples = Golden(manifest, model, set, rows, check, kind, temperature, golden);
        return new CalibrationResult(temperature, fitted, adopted, before, adopted ? candidate : before, fit.Count, prepared.Skipped, prepared.Skips, samples);
    }

    /// <summary>
    /// The most confident correct answers of distinct classes, as raw inputs (the preprocessing undone) whose output
    /// is recorded from a second run on exactly those values, so the device compares like with like.
    /// </summary>
    private static List<GoldenSample> Golden(
        ModelManifest manifest, byte[] model, TensorSet set, float[][] rows, List<int> candidates, OutputKind kind, double temperature, int count)
    {
        count = Math.Min(count, MaxGoldenValues / set.SampleLength);
        if (count <= 0)
        {
            return [];
        }

        var classes = kind == OutputKind.Sigmoid ? 2 : rows[0].Length;
        var probabilities = new float[classes];
        var picked = candidates
            .Select(i => (Index: i, Score: Scoring.Score(rows[i], kind, temperature, Edge.Shared.Config.ScoreFunction.MaxProbability, probabilities)))
            .Where(c => c.Score.ClassIndex == set.Labels![c.Index])
            .OrderByDescending(c => c.Score.Probability)
            .DistinctBy(c => c.Score.ClassIndex)
            .Take(count)
            .Select(c => c.Index)
            .ToList();
        if (picked.Count == 0)
        {
            return [];
        }

        var preprocessor = new Preprocessor(manifest.Input);
        var raw = picked.Select(i => Raw(preprocessor, set.Samples[i])).ToList();
        var again = raw.Select(r =>
        {
            var x = new float[preprocessor.Length];
            preprocessor.FromSample(r, x);
            return x;
        }).ToList();
        var outputs = ModelEvaluator.Rows(model, manifest.File, new TensorSet(set.SampleShape, again), manifest.Output.Name);
        return [.. raw.Select((r, n) => new GoldenSample
        {
            Pixels = r,
            ExpectedTop1 = ModelEvaluator.Top1(outputs[n], kind == OutputKind.Sigmoid),
            Logits = outputs[n],
        })];
    }

    /// <summary>The raw-unit sample that the manifest's preprocessing turns into <paramref name="x"/>.</summary>
    private static float[] Raw(Preprocessor preprocessor, float[] x)
    {
        var raw = new float[x.Length];
        preprocessor.ToRaw(x, raw);
        for (var i = 0; i < raw.Length; i++)
        {
            // Pixels come back as 210.99998 where the source held 211: snapped, they stay exact and shorter in JSON.
            var whole = MathF.Round(raw[i]);
            raw[i] = MathF.Abs(raw[i] - whole) <= Math.Max(1e-4f, 1e-5f * MathF.Abs(raw[i])) ? whole : raw[i];
        }

        return raw;
    }

    private static uint Mix(int i)
    {
        var h = (uint)i * 2654435761u;
        return h ^ (h >> 16);
    }
}
