namespace Edge.ModelTools.Tests.Calibration;

using Edge.Inference;
using Edge.ModelTools.Calibration;
using Edge.ModelTools.Data;
using Edge.ModelTools.Evaluation;
using Edge.ModelTools.Tests.Data;
using Edge.TestSupport;

public sealed class TemperatureFitTests
{
    [Theory]
    [InlineData("digits-edge", OutputKind.Logits)]
    [InlineData("byo/byo-flat-softmax", OutputKind.Probabilities)]
    public void The_fitted_temperature_gives_no_worse_likelihood_than_any_other_on_the_data_it_was_fitted_on(string model, OutputKind kind)
    {
        var (rows, labels) = Outputs(model, "digits-calibration.json");

        var t = TemperatureFit.Fit(rows, labels, kind);
        var fitted = TemperatureFit.Measure(rows, labels, kind, t);

        foreach (var other in new[] { 0.5, 1.0, 2.0, t * 1.2, t / 1.2 })
        {
            Assert.True(fitted.Nll <= TemperatureFit.Measure(rows, labels, kind, other).Nll + 1e-9, $"T={t} NLL {fitted.Nll} vs T={other}");
        }
    }

    [Fact]
    public void The_measured_accuracy_is_the_models_top1_accuracy_and_the_bins_count_every_sample()
    {
        var (rows, labels) = Outputs("digits-edge", "digits-heldout.json");

        var quality = TemperatureFit.Measure(rows, labels, OutputKind.Logits, 1.0);

        Assert.Equal(rows.Count(r => ModelEvaluator.Top1(r, sigmoid: false) == labels[Array.IndexOf(rows, r)]) / (double)rows.Length, quality.Accuracy, 9);
        Assert.Equal(rows.Length, quality.Bins.Sum(b => b.Count));
        Assert.InRange(quality.Ece, 0, 1);
    }

    [Fact]
    public void A_uint8_input_model_is_evaluated_on_bytes_and_reaches_its_exported_accuracy()
    {
        var manifest = Quantized.Manifest("byo/byo-nhwc-uint8");
        var data = LabeledData.Read(RepoPaths.Data("digits-heldout.json"));
        var paper = LabeledData.Parse(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', data.Samples.Select(s =>
            $"{{\"tensor\":[{string.Join(',', s.Tensor!.Select(v => TestImages.InkToPaper(v)))}],\"label\":\"{s.Label}\"}}"))), "paper.jsonl");
        var prepared = PreparedData.From(manifest, paper, labelled: true, "held-out");

        var top1 = ModelEvaluator.Predict(File.ReadAllBytes(RepoPaths.Model("byo/byo-nhwc-uint8.onnx")), "byo-nhwc-uint8", prepared.Tensors, output: manifest.Output);

        var accuracy = top1.Where((p, i) => p == prepared.Tensors.Labels![i]).Count() / (double)top1.Length;
        Assert.InRange(accuracy, manifest.Metrics!.HeldOutAccuracy!.Value - 0.01, 1.0);
    }

    private static (float[][] Rows, int[] Labels) Outputs(string model, string dataFile)
    {
        var manifest = Quantized.Manifest(model);
        var prepared = PreparedData.From(manifest, LabeledData.Read(RepoPaths.Data(dataFile)), labelled: true, "calibration");
        var rows = ModelEvaluator.Rows(File.ReadAllBytes(RepoPaths.Model(model + ".onnx")), model, prepared.Tensors, manifest.Output.Name);
        return (rows, [.. prepared.Tensors.Labels!]);
    }
}
