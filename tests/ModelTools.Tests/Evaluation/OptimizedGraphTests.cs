namespace Edge.ModelTools.Tests.Evaluation;

using Edge.ModelTools.Evaluation;

public sealed class OptimizedGraphTests
{
    [Theory]
    [InlineData("digits-cloud", "QLinearConv")]
    [InlineData("camera-mnv2-v1", "QLinearConv")]
    [InlineData("camera-mnv2-v1", "QLinearAdd")]
    [InlineData("camera-mnv2-v1", "QLinearGlobalAveragePool")]
    [InlineData("digits-edge", "QGemm")]
    public void Onnx_runtime_fuses_the_qdq_graph_into_integer_kernels(string name, string kernel)
    {
        var ops = OptimizedGraph.OpTypes(Quantized.Get(name).Int8.Bytes);
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join(", ", ops.Select(kv => $"{kv.Key}×{kv.Value}")));

        Assert.Contains(kernel, ops.Keys);
        Assert.Contains("QGemm", ops.Keys);
        Assert.DoesNotContain("DequantizeLinear", ops.Keys);
        Assert.DoesNotContain("Conv", ops.Keys);
        Assert.DoesNotContain("Gemm", ops.Keys);
    }

    [Fact]
    public void The_fp32_model_runs_float_kernels()
    {
        var ops = OptimizedGraph.OpTypes(Quantized.Get("digits-cloud").Fp32);

        Assert.DoesNotContain(ops.Keys, op => op.StartsWith("QLinear", StringComparison.Ordinal) || op == "QGemm");
    }
}
