namespace Edge.ModelTools.Tests.Quantization;

using Edge.ModelTools.Calibration;
using Edge.ModelTools.Evaluation;
using Edge.ModelTools.Quantization;
using Edge.TestSupport;
using global::Onnx;

public sealed class DynamicQuantizerTests
{
    private static QuantizedModel Dynamic(string name) =>
        ModelQuantizer.Quantize(Quantized.Get(name).Fp32, name, new TensorSet([1, 8, 8], []), new QuantizationOptions { Mode = QuantizationMode.Dynamic });

    [Fact]
    public void Quantizes_digits_edge_without_calibration_and_agrees_with_fp32()
    {
        var q = Quantized.Get("digits-edge");

        var int8 = Dynamic("digits-edge");
        var report = ModelEvaluator.Compare(q.Fp32, int8, q.HeldOut, q.Calibration);

        Assert.True(report.Top1Agreement >= 99, report.ToString());
        Assert.Equal(2, int8.Layers.Count);
        Assert.All(report.Layers, l => Assert.True(l.SqnrDb > 20, $"{l.NodeName}: {l.SqnrDb} dB"));
    }

    [Fact]
    public void Rewrites_gemm_as_integer_matmul_with_int8_per_column_weights()
    {
        var graph = ModelProto.Parser.ParseFrom(Dynamic("digits-edge").Bytes).Graph;

        Assert.DoesNotContain(graph.Node, n => n.OpType == "Gemm");
        Assert.Equal(2, graph.Node.Count(n => n.OpType == "MatMulInteger"));
        Assert.All(graph.Initializer.Where(t => t.Name.EndsWith("_weight_quantized", StringComparison.Ordinal)),
            t => Assert.Equal((int)TensorProto.Types.DataType.Int8, t.DataType));
        Assert.All(graph.Initializer.Where(t => t.Name.EndsWith("_weight_scale", StringComparison.Ordinal)), t => Assert.Single(t.Dims));
    }

    [Fact]
    public void Onnx_runtime_runs_integer_matmul_kernels()
    {
        var ops = OptimizedGraph.OpTypes(Dynamic("digits-edge").Bytes);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", ops.Select(kv => $"{kv.Key}×{kv.Value}")));

        Assert.Contains(ops.Keys, op => op is "MatMulInteger" or "DynamicQuantizeMatMul" or "MatMulIntegerToFloat");
        Assert.DoesNotContain("Gemm", ops.Keys);
    }

    [Fact]
    public void Leaves_convolutions_in_float()
    {
        var q = Quantized.Get("digits-cloud");

        var int8 = Dynamic("digits-cloud");
        var predictions = ModelEvaluator.Predict(int8.Bytes, "dynamic digits-cloud", q.HeldOut);

        Assert.Contains("Conv", int8.FloatOps);
        Assert.True(predictions.Zip(ModelEvaluator.Predict(q.Fp32, "fp32", q.HeldOut)).Count(p => p.First == p.Second) >= 0.99 * q.HeldOut.Count);
    }

    [Fact]
    public void An_opset_11_export_is_upgraded_and_quantized_like_in_static_mode()
    {
        var manifest = Quantized.Manifest("byo/byo-flat-softmax");
        var fp32 = File.ReadAllBytes(RepoPaths.Model("byo/" + manifest.File));

        var int8 = ModelQuantizer.Quantize(fp32, manifest.File, new TensorSet([64], []), new QuantizationOptions { Mode = QuantizationMode.Dynamic });

        Assert.Contains(int8.Layers, l => l.OpType == "Gemm");
        Assert.Contains(OptimizedGraph.OpTypes(int8.Bytes).Keys, op => op is "MatMulInteger" or "DynamicQuantizeMatMul" or "MatMulIntegerToFloat");
    }
}
