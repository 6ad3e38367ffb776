namespace Edge.ModelTools.Data;

using System.Globalization;
using Edge.Inference;
using Edge.ModelTools.Calibration;
using Edge.Shared.Models;

/// <summary>
/// Labelled data preprocessed exactly as the agent does for one model (manifest contract), labels mapped to the
/// model's class indices. Images that do not decode are skipped and counted; anything else wrong is an error.
/// </summary>
internal sealed class PreparedData
{
    private const int NamedSkips = 5;

    /// <summary>
    /// Preprocessed values held at most, by default: 128 Mi floats (512 MiB), about 890 samples of a 224×224 RGB
    /// model. A 69-byte PNG becomes a whole input, so without a bound a small upload could ask for hundreds of GB.
    /// </summary>
    public const long DefaultMaxValues = 128L * 1024 * 1024;

    private PreparedData(TensorSet tensors, int skipped, IReadOnlyList<string> skips)
    {
        Tensors = tensors;
        Skipped = skipped;
        Skips = skips;
    }

    public TensorSet Tensors { get; }

    /// <summary>Images that could not be decoded (or were too large), left out.</summary>
    public int Skipped { get; }

    /// <summary>The first few skipped samples with the reason, for the report.</summary>
    public IReadOnlyList<string> Skips { get; }

    /// <exception cref="DataSetException">Labels missing or unknown to the model, a tensor that does not fit, or nothing usable.</exception>
    public static PreparedData From(ModelManifest manifest, LabeledData data, bool labelled, string what, long maxValues = DefaultMaxValues)
    {
        ArgumentNullException.ThrowIfNull(manifest);
        ArgumentNullException.ThrowIfNull(data);
        var classes = ClassIndex(manifest);
        if (labelled)
        {
            CheckLabels(data, classes, manifest, what);
        }

        var preprocessor = new Preprocessor(manifest.Input);
        if ((long)data.Count * preprocessor.Length > maxValues)
        {
            throw new DataSetException(string.Create(CultureInfo.InvariantCulture,
                $"{what} '{data.Source}' has {data.Count} samples of {preprocessor.Length} values each; at most {maxValues / preprocessor.Length} fit the {maxValues} values this pipeline holds: send a representative subset"));
        }

        var samples = new List<float[]>(data.Count);
        var labels = labelled ? new List<int>(data.Count) : null;
        var skips = new List<string>();
        var skipped = 0;
        for (var i = 0; i < data.Count; i++)
        {
            var sample = data.Samples[i];
            var x = new float[preprocessor.Length];
            try
            {
                if (sample.Tensor is { } tensor)
                {
                    preprocessor.FromSample(tensor, x);
                }
                else
                {
                    preprocessor.FromImage(sample.Image, x);
                }
            }
            catch (InvalidInputException e) when (sample.Image is not null)
            {
                skipped++;
                if (skips.Count < NamedSkips)
                {
                    skips.Add($"{sample.Origin}: {e.Message}");
                }

                continue;
            }
            catch (InvalidInputException e)
            {
                throw new DataSetException($"{what} {sample.Origin}: {e.Message}", e);
            }

            samples.Add(x);
            labels?.Add(classes[sample.Label!]);
        }

        if (samples.Count == 0)
        {
            throw new DataSetException(string.Create(CultureInfo.InvariantCulture,
                $"{what} '{data.Source}' has no usable sample: all {skipped} images failed to decode (first: {skips.FirstOrDefault()})"));
        }

        return new PreparedData(new TensorSet([.. preprocessor.SampleShape], samples, labels), skipped, skips);
    }

    private static Dictionary<string, int> ClassIndex(ModelManifest manifest)
    {
        var classes = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < manifest.Labels.Length; i++)
        {
            classes.TryAdd(manifest.Labels[i], i);
        }

        return classes;
    }

    private static void CheckLabels(LabeledData data, Dictionary<string, int> classes, ModelManifest manifest, string what)
    {
        var unlabelled = data.Samples.FirstOrDefault(s => s.Label is null);
        if (unlabelled is not null)
        {
            throw new DataSetException($"{what} {unlabelled.Origin} has no label; every {what} sample needs one of the model's labels");
        }

        var unknown = data.Samples.Where(s => !classes.ContainsKey(s.Label!)).GroupBy(s => s.Label!, StringComparer.Ordinal)
            .Select(g => string.Create(CultureInfo.InvariantCulture, $"'{g.Key}' ({g.Count()} samples, first {g.First().Origin})")).ToList();
        if (unknown.Count > 0)
        {
            throw new DataSetException(
                $"{what} '{data.Source}' has labels the model does not have: {string.Join(", ", unknown.Take(NamedSkips))}{(unknown.Count > NamedSkips ? ", …" : string.Empty)}; the model's labels are {string.Join(", ", manifest.Labels.Select(l => $"'{l}'"))}");
        }
    }
}
