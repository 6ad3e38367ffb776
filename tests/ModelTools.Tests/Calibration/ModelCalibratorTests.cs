namespace Edge.ModelTools.Tests.Calibration;

using Edge.Inference;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Data;
using Edge.TestSupport;

public sealed class ModelCalibratorTests
{
    [Fact]
    public void A_fit_that_lowers_nll_on_the_unseen_half_is_adopted_with_its_figures()
    {
        var manifest = Quantized.Manifest("byo/byo-flat-softmax");
        var model = File.ReadAllBytes(RepoPaths.Model("byo/" + manifest.File));

        var result = ModelCalibrator.Calibrate(manifest, model, LabeledData.Read(RepoPaths.Data("digits-calibration.json")));

        Assert.True(result.Adopted);
        Assert.Equal(result.Fitted, result.Temperature);
        Assert.True(result.After.Nll <= result.Before.Nll);
        Assert.Equal(result.FitCount + result.After.Count, LabeledData.Read(RepoPaths.Data("digits-calibration.json")).Count);
    }

    [Fact]
    public void A_fit_driven_to_an_extreme_by_too_easy_data_is_reported_and_the_manifests_temperature_kept()
    {
        var manifest = Quantized.Manifest("byo/byo-resnet");
        var model = File.ReadAllBytes(RepoPaths.Model("byo/" + manifest.File));

        var result = ModelCalibrator.Calibrate(manifest, model, LabeledData.Read(RepoPaths.Model("byo/data/byo-resnet-calibration.jsonl")));

        Assert.False(result.Adopted, $"fitted {result.Fitted}: NLL {result.Before.Nll} -> {result.After.Nll}");
        Assert.Equal(manifest.Temperature, result.Temperature);
        Assert.Equal(result.Before, result.After);
    }

    [Fact]
    public void Golden_samples_are_correct_answers_of_distinct_classes_in_raw_units()
    {
        var manifest = Quantized.Manifest("byo/byo-opset9-softmax");
        var model = File.ReadAllBytes(RepoPaths.Model("byo/" + manifest.File));

        var result = ModelCalibrator.Calibrate(manifest, model, LabeledData.Read(RepoPaths.Model("byo/data/byo-opset9-softmax-calibration.jsonl")), golden: 3);

        Assert.Equal(3, result.Golden.Count);
        Assert.Equal(3, result.Golden.Select(g => g.ExpectedTop1).Distinct().Count());
        var preprocessor = new Preprocessor(manifest.Input);
        Assert.All(result.Golden, g => Assert.Equal(preprocessor.Length, g.Pixels.Length));

        // Raw digits are whole numbers 0..16; undoing the preprocessing gives them back exactly.
        Assert.All(result.Golden.SelectMany(g => g.Pixels), v => Assert.Equal(MathF.Round(v), v));
    }

    [Fact]
    public void Golden_samples_of_a_large_input_are_limited_so_the_manifest_fits_a_device_update()
    {
        var manifest = Quantized.Manifest("byo/byo-text-48x192");
        var model = File.ReadAllBytes(RepoPaths.Model("byo/" + manifest.File));

        var result = ModelCalibrator.Calibrate(manifest, model, LabeledData.Read(RepoPaths.Model("byo/data/byo-text-48x192-calibration.jsonl")), golden: 3);

        Assert.InRange(result.Golden.Sum(g => g.Pixels.Length), 1, ModelCalibrator.MaxGoldenValues);
    }

    [Fact]
    public void Data_that_would_expand_past_the_value_budget_is_refused_before_it_is_decoded()
    {
        var manifest = Quantized.Manifest("byo/byo-text-48x192");
        var data = LabeledData.Read(RepoPaths.Model("byo/data/byo-text-48x192-calibration.jsonl"));

        var e = Assert.Throws<DataSetException>(() => PreparedData.From(manifest, data, labelled: false, "calibration", maxValues: 10 * 3 * 48 * 192));

        Assert.Contains("at most 10 fit", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Too_few_labelled_samples_are_refused_saying_how_many_are_needed()
    {
        var manifest = Quantized.Manifest("byo/byo-flat-softmax");
        var lines = string.Join('\n', Enumerable.Range(0, 5).Select(_ => "{\"tensor\":[" + string.Join(',', new int[64]) + "],\"label\":\"0\"}"));

        var e = Assert.Throws<DataSetException>(() => ModelCalibrator.Calibrate(manifest, [], LabeledData.Parse(System.Text.Encoding.UTF8.GetBytes(lines), "few.jsonl")));

        Assert.Contains($"at least {ModelCalibrator.MinimumSamples}", e.Message, StringComparison.Ordinal);
    }
}
