namespace Edge.Inference.Tests.Models;

using Edge.Inference;
using Edge.TestSupport;
using Xunit;

public sealed class OnnxGraphTests
{
    [Fact]
    public void The_edge_digits_model_reads_as_flatten_gemm_relu_at_opset_13()
    {
        var graph = OnnxGraph.Read(File.ReadAllBytes(RepoPaths.Model("digits-edge.onnx")), "digits-edge.onnx");

        Assert.Equal(13, graph.Opset);
        Assert.Equal(["input"], graph.Inputs);
        Assert.Equal(["logits"], graph.Outputs);
        Assert.Equal(["Flatten", "Gemm", "Relu"], graph.OpCounts().Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("Gemm", graph.LastComputingNode("logits")?.OpType);
        Assert.Equal(OutputKind.Logits, OutputKinds.FromOp(graph.LastComputingNode("logits")?.OpType));
    }

    [Fact]
    public void Initializers_are_not_counted_as_inputs()
    {
        var graph = OnnxGraph.Read(File.ReadAllBytes(RepoPaths.Model("camera-mnv2-v1.onnx")), "camera-mnv2-v1.onnx");

        Assert.Single(graph.Inputs);
        Assert.True(graph.Nodes.Count > 10);
    }

    [Fact]
    public void Bytes_that_are_not_onnx_are_refused_with_the_source_named()
    {
        var e = Assert.Throws<ModelLoadException>(() => OnnxGraph.Read("not a model at all"u8, "notes.txt"));

        Assert.Contains("'notes.txt' is not an ONNX model", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_model_is_refused()
    {
        var bytes = File.ReadAllBytes(RepoPaths.Model("digits-edge.onnx"));

        Assert.Throws<ModelLoadException>(() => OnnxGraph.Read(bytes.AsSpan(0, bytes.Length / 2), "half.onnx"));
    }
}
