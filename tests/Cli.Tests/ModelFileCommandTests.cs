namespace Edge.Cli.Tests;

using System.Text.Json;
using Edge.Inference;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Xunit;

/// <summary><c>edge models inspect</c> and <c>calibrate</c>: a user's ONNX file to a manifest the agent serves.</summary>
public sealed class ModelFileCommandTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Inspect_drafts_a_manifest_the_agent_loads_with_the_layout_kind_and_labels_the_graph_implies()
    {
        var draft = Path.Combine(_folder.Path, "draft.manifest.json");

        var (code, output) = await CliRunner.RunAsync("models", "inspect", RepoPaths.Model("byo/byo-nhwc-uint8.onnx"), "--out", draft);

        Assert.True(code == 0, output);
        Assert.Contains("opset 12", output, StringComparison.Ordinal);
        Assert.Contains("uint8[batch, 8, 8, 1]", output, StringComparison.Ordinal);
        Assert.Contains("not inferred", output, StringComparison.Ordinal);
        Assert.Contains("labels", output, StringComparison.Ordinal);
        var manifest = Read(draft);
        Assert.Equal(InputLayouts.Nhwc, manifest.Input.Layout);
        Assert.Equal(InputElementTypes.Bytes, manifest.Input.ElementType);
        Assert.Equal(OutputKinds.Probabilities, manifest.Output.Kind);
        Assert.Equal(10, manifest.Labels.Length);
        using var model = OnnxModel.Load(draft, new OnnxModelOptions(), NullLogger.Instance);
        Assert.Equal(10, model.Manifest.Labels.Length);
    }

    [Fact]
    public async Task Inspect_takes_what_only_the_owner_knows_from_flags_and_stops_listing_it()
    {
        var labels = Path.Combine(_folder.Path, "labels.txt");
        await File.WriteAllLinesAsync(labels, Enumerable.Range(0, 10).Select(i => $"digit-{i}"), TestContext.Current.CancellationToken);
        var draft = Path.Combine(_folder.Path, "flat.manifest.json");

        var (code, output) = await CliRunner.RunAsync(
            "models", "inspect", RepoPaths.Model("byo/byo-flat-softmax.onnx"), "--out", draft, "--labels", labels, "--scale", "0.0625", "--mean", "0", "--std", "1");

        Assert.True(code == 0, output);
        Assert.DoesNotContain("not inferred", output, StringComparison.Ordinal);
        var manifest = Read(draft);
        Assert.Equal(InputLayouts.Flat, manifest.Input.Layout);
        Assert.Equal("digit-3", manifest.Labels[3]);
        Assert.Equal(0.0625f, manifest.Input.Preprocess.RawScale);
    }

    [Fact]
    public async Task Inspect_refuses_labels_that_do_not_match_the_output_width()
    {
        var labels = Path.Combine(_folder.Path, "three.txt");
        await File.WriteAllLinesAsync(labels, ["a", "b", "c"], TestContext.Current.CancellationToken);

        var (code, output) = await CliRunner.RunAsync("models", "inspect", RepoPaths.Model("byo/byo-flat-softmax.onnx"), "--labels", labels);

        Assert.Equal(2, code);
        Assert.Contains("3 labels but the output has 10 classes", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Inspect_of_a_file_that_is_not_onnx_is_one_sentence_and_exit_2()
    {
        var junk = Path.Combine(_folder.Path, "junk.onnx");
        await File.WriteAllTextAsync(junk, "this is not a model", TestContext.Current.CancellationToken);

        var (code, output) = await CliRunner.RunAsync("models", "inspect", junk);

        Assert.Equal(2, code);
        Assert.Contains("not an ONNX model", output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Calibrate_writes_a_fitted_temperature_its_figures_and_golden_samples_the_agent_verifies_on_load()
    {
        var draft = Path.Combine(_folder.Path, "flat.manifest.json");
        var (inspected, inspectOutput) = await CliRunner.RunAsync("models", "inspect", RepoPaths.Model("byo/byo-flat-softmax.onnx"), "--out", draft, "--scale", "0.0625");
        Assert.True(inspected == 0, inspectOutput);

        var (code, output) = await CliRunner.RunAsync("models", "calibrate", draft, "--data", RepoPaths.Data("digits-calibration.json"), "--golden", "4");

        Assert.True(code == 0, output);
        Assert.Contains("ECE", output, StringComparison.Ordinal);
        Assert.Contains("Reliability", output, StringComparison.Ordinal);
        var manifest = Read(draft);
        Assert.NotEqual(1.0, manifest.Temperature);
        Assert.InRange(manifest.Temperature, 0.05, 20);
        Assert.NotNull(manifest.Metrics!.EceAfter);
        Assert.True(manifest.Metrics.NllAfter <= manifest.Metrics.NllBefore + 0.01, $"NLL {manifest.Metrics.NllBefore} -> {manifest.Metrics.NllAfter}");
        Assert.Equal(4, manifest.Golden.Length);
        Assert.Equal(4, manifest.Golden.Select(g => g.ExpectedTop1).Distinct().Count());

        // The agent re-runs every golden sample on load and refuses the model if one answers differently.
        using var model = OnnxModel.Load(draft, new OnnxModelOptions(), NullLogger.Instance);
        Assert.Equal(manifest.Temperature, model.Manifest.Temperature);
    }

    [Fact]
    public async Task Calibrate_refuses_data_whose_labels_the_model_does_not_have()
    {
        var draft = Path.Combine(_folder.Path, "labelled.manifest.json");
        var labels = Path.Combine(_folder.Path, "labels.txt");
        await File.WriteAllLinesAsync(labels, Enumerable.Range(0, 10).Select(i => $"digit-{i}"), TestContext.Current.CancellationToken);
        await CliRunner.RunAsync("models", "inspect", RepoPaths.Model("byo/byo-flat-softmax.onnx"), "--out", draft, "--labels", labels);

        var (code, output) = await CliRunner.RunAsync("models", "calibrate", draft, "--data", RepoPaths.Data("digits-calibration.json"));

        Assert.Equal(2, code);
        Assert.Contains("digit-0", output, StringComparison.Ordinal);
    }

    private static ModelManifest Read(string path) =>
        JsonSerializer.Deserialize(File.ReadAllBytes(path), EdgeJsonContext.Default.ModelManifest)!;
}
