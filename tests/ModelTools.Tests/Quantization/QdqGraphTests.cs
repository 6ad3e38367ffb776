namespace Edge.ModelTools.Tests.Quantization;

using global::Onnx;

public sealed class QdqGraphTests
{
    [Theory]
    [InlineData("digits-edge")]
    [InlineData("digits-cloud")]
    [InlineData("camera-mnv2-v1")]
    public void Every_conv_and_gemm_reads_dequantized_activations_and_int8_per_channel_weights(string name)
    {
        var graph = ModelProto.Parser.ParseFrom(Quantized.Get(name).Int8.Bytes).Graph;
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n);
        var initializers = graph.Initializer.ToDictionary(t => t.Name);
        var ops = graph.Node.Where(n => n.OpType is "Conv" or "Gemm").ToList();

        Assert.NotEmpty(ops);
        foreach (var op in ops)
        {
            Assert.Equal("DequantizeLinear", producers[op.Input[0]].OpType);
            var weight = producers[op.Input[1]];
            Assert.Equal("DequantizeLinear", weight.OpType);
            var values = initializers[weight.Input[0]];
            var scales = initializers[weight.Input[1]];
            var zeroPoints = initializers[weight.Input[2]];
            var axis = (int)(weight.Attribute.Single(a => a.Name == "axis").I);
            Assert.Equal((int)TensorProto.Types.DataType.Int8, values.DataType);
            Assert.Equal((int)TensorProto.Types.DataType.Int8, zeroPoints.DataType);
            Assert.All(zeroPoints.RawData.ToByteArray(), b => Assert.Equal(0, b));
            Assert.Equal(values.Dims[axis], scales.Dims.Single());
            var transB = op.Attribute.FirstOrDefault(a => a.Name == "transB")?.I ?? 0;
            Assert.Equal(op.OpType == "Gemm" && transB == 0 ? 1 : 0, axis);

            var bias = producers[op.Input[2]];
            Assert.Equal("DequantizeLinear", bias.OpType);
            Assert.Equal((int)TensorProto.Types.DataType.Int32, initializers[bias.Input[0]].DataType);
        }
    }

    [Theory]
    [InlineData("digits-edge")]
    [InlineData("camera-mnv2-v1")]
    public void The_logits_stay_float_straight_from_the_last_gemm(string name)
    {
        var graph = ModelProto.Parser.ParseFrom(Quantized.Get(name).Int8.Bytes).Graph;
        var output = graph.Output.Single();

        Assert.Equal("logits", output.Name);
        Assert.Equal((int)TensorProto.Types.DataType.Float, output.Type.TensorType.ElemType);
        Assert.Equal("Gemm", graph.Node.Single(n => n.Output.Contains("logits")).OpType);
        Assert.DoesNotContain(graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == "logits");
    }

    [Fact]
    public void Relu6_clips_are_folded_into_the_convolutions_quantization()
    {
        var fp32 = ModelProto.Parser.ParseFrom(Quantized.Get("camera-mnv2-v1").Fp32).Graph;
        var int8 = ModelProto.Parser.ParseFrom(Quantized.Get("camera-mnv2-v1").Int8.Bytes).Graph;

        Assert.Contains(fp32.Node, n => n.OpType == "Clip");
        Assert.DoesNotContain(int8.Node, n => n.OpType == "Clip");
        Assert.DoesNotContain(int8.Node, n => n.OpType == "Relu");
    }

    [Fact]
    public void The_input_is_quantized_once_and_every_pair_has_a_dequantize()
    {
        var graph = ModelProto.Parser.ParseFrom(Quantized.Get("digits-cloud").Int8.Bytes).Graph;

        Assert.Single(graph.Node, n => n.OpType == "QuantizeLinear" && n.Input[0] == "input");
        Assert.Equal(
            graph.Node.Count(n => n.OpType == "QuantizeLinear"),
            graph.Node.Count(n => n.OpType == "DequantizeLinear" && n.Input[0].EndsWith("_quantized", StringComparison.Ordinal) && graph.Node.Any(q => q.OpType == "QuantizeLinear" && q.Output[0] == n.Input[0])));
    }
}
