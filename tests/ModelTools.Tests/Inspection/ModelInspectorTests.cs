namespace Edge.ModelTools.Tests.Inspection;

using System.Text.Json;
using Edge.Inference;
using Edge.ModelTools.Inspection;
using Edge.ModelTools.Tests.Quantization;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;

public sealed class ModelInspectorTests
{
    [Fact]
    public void A_model_with_two_outputs_scores_the_first_and_says_it_chose_one()
    {
        var inspected = ModelInspector.Inspect(ExportGraphs.TwoOutputs(), "two.onnx", new InspectionHints());

        Assert.Equal(["logits", "probabilities"], inspected.Outputs.Select(o => o.Name));
        Assert.Equal("logits", inspected.Draft.Output.Name);
        Assert.Equal(OutputKinds.Logits, inspected.Draft.Output.Kind);
        Assert.Contains(inspected.NotInferred, n => n.Contains("--output", StringComparison.Ordinal));
    }

    [Fact]
    public void The_named_output_is_scored_by_the_kind_its_node_implies_and_the_agent_serves_the_draft()
    {
        using var folder = new TempFolder();
        var onnx = ExportGraphs.TwoOutputs();
        var inspected = ModelInspector.Inspect(onnx, "two.onnx", new InspectionHints { Output = "probabilities", Color = "bgr" });
        File.WriteAllBytes(Path.Combine(folder.Path, "two.onnx"), onnx);
        var manifestPath = Path.Combine(folder.Path, "two.manifest.json");
        File.WriteAllBytes(manifestPath, JsonSerializer.SerializeToUtf8Bytes(inspected.Draft, EdgeJsonContext.Default.ModelManifest));

        using var model = OnnxModel.Load(manifestPath, new OnnxModelOptions(), NullLogger.Instance);

        Assert.Equal(OutputKinds.Probabilities, inspected.Draft.Output.Kind);
        Assert.Equal("bgr", inspected.Draft.Input.ColorSpace);
        Assert.Equal("probabilities", model.Manifest.Output.Name);
    }

    [Fact]
    public void An_output_that_does_not_exist_is_refused_listing_the_ones_that_do()
    {
        var e = Assert.Throws<ArgumentException>(() => ModelInspector.Inspect(ExportGraphs.TwoOutputs(), "two.onnx", new InspectionHints { Output = "scores" }));

        Assert.Contains("logits, probabilities", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bytes_that_are_not_onnx_are_refused_naming_the_file()
    {
        var e = Assert.Throws<ModelLoadException>(() => ModelInspector.Inspect("not a model"u8.ToArray(), "junk.onnx", new InspectionHints()));

        Assert.Contains("junk.onnx", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sigmoid_classifier_drafts_two_labels_for_its_one_output()
    {
        var onnx = File.ReadAllBytes(RepoPaths.Model("byo/byo-sigmoid-okng.onnx"));

        var draft = ModelInspector.Inspect(onnx, "okng.onnx", new InspectionHints()).Draft;

        Assert.Equal(OutputKinds.Sigmoid, draft.Output.Kind);
        Assert.Equal(2, draft.Labels.Length);
    }
}
