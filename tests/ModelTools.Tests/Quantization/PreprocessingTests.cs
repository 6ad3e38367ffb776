namespace Edge.ModelTools.Tests.Quantization;

using Edge.ModelTools.Calibration;
using Edge.ModelTools.Evaluation;
using Edge.ModelTools.Onnx;
using Edge.ModelTools.Quantization;
using global::Onnx;

public sealed class PreprocessingTests
{
    private static readonly int[] Sample = [3, 8, 8];

    public static TheoryData<string> Exports => ["conv-bn-constants-13", "conv-bn-constants-11", "conv-bn-constants-9", "clip-attributes-10", "squeeze-axes-12", "squeeze-excite-11", "pad-resize-10", "slice-upsample-9", "split-12"];

    [Theory]
    [MemberData(nameof(Exports))]
    public void Preprocessing_keeps_the_fp32_outputs_of_every_export_within_1e_4(string name)
    {
        var original = Export(name);
        var prepared = OnnxFile.ToBytes(QuantizationPreprocessor.Prepare(OnnxFile.Parse(original, name), name));
        var data = Random(64, seed: 1);

        var before = ModelEvaluator.Rows(original, name, data);
        var after = ModelEvaluator.Rows(prepared, name + " (prepared)", data);

        for (var i = 0; i < before.Length; i++)
        {
            Assert.Equal(before[i].Length, after[i].Length);
            for (var j = 0; j < before[i].Length; j++)
            {
                Assert.True(Math.Abs(before[i][j] - after[i][j]) <= 1e-4, $"sample {i}, output {j}: {before[i][j]} vs {after[i][j]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public void Preprocessing_leaves_no_constant_node_no_batch_norm_and_opset_13_with_the_same_input_and_output_names(string name)
    {
        var original = OnnxFile.Parse(Export(name), name);
        var prepared = QuantizationPreprocessor.Prepare(original, name);

        Assert.DoesNotContain(prepared.Graph.Node, n => n.OpType is "Constant" or "BatchNormalization");
        Assert.Equal(OnnxFile.MinimumOpset, OnnxFile.DefaultOpset(prepared));
        Assert.Equal(RealInputs(original.Graph), RealInputs(prepared.Graph));
        Assert.Equal(original.Graph.Output.Select(o => o.Name), prepared.Graph.Output.Select(o => o.Name));
    }

    [Theory]
    [MemberData(nameof(Exports))]
    public void Every_conv_of_an_export_is_quantized_and_the_int8_model_runs(string name)
    {
        var int8 = ModelQuantizer.Quantize(Export(name), name, Random(32, seed: 2), new QuantizationOptions());
        TestContext.Current.TestOutputHelper?.WriteLine(string.Join("\n", int8.FloatNodes));

        Assert.Contains(int8.Layers, l => l.OpType == "Conv");
        Assert.DoesNotContain(int8.FloatNodes, n => n.OpType is "Conv" or "Gemm");
        var rows = ModelEvaluator.Rows(int8.Bytes, name + " INT8", Random(8, seed: 3));
        Assert.All(rows, r => Assert.All(r, v => Assert.True(float.IsFinite(v))));
    }

    [Fact]
    public void Squeeze_excite_multiplies_and_the_concat_get_integer_kernels()
    {
        var int8 = ModelQuantizer.Quantize(Export("squeeze-excite-11"), "squeeze-excite-11", Random(32, seed: 2), new QuantizationOptions());

        Assert.Contains(int8.Layers, l => l.NodeName == "se.scale" && l.OpType == "Mul");
        Assert.Contains(int8.Layers, l => l.NodeName == "hswish" && l.OpType == "Mul");
        Assert.Contains(int8.Layers, l => l.OpType == "Concat");
        Assert.Empty(int8.FloatNodes);
        var optimized = OptimizedGraph.OpTypes(int8.Bytes);
        Assert.Contains("QLinearMul", optimized.Keys);
        Assert.Contains("QLinearConv", optimized.Keys);
    }

    [Fact]
    public void Shape_arithmetic_of_a_dynamic_batch_view_stays_integer_and_the_int8_model_loads()
    {
        var int8 = ModelQuantizer.Quantize(ExportGraphs.DynamicBatchView(), "view.onnx", Random(16, seed: 5), new QuantizationOptions());

        Assert.Contains(int8.Layers, l => l.OpType == "Conv");
        Assert.DoesNotContain(int8.Layers, l => l.OpType == "Concat");
        var rows = ModelEvaluator.Rows(int8.Bytes, "view INT8", Random(4, seed: 6));
        Assert.All(rows, r => Assert.Equal(5, r.Length));
    }

    [Fact]
    public void Excluding_a_batch_norm_that_pre_processing_folds_away_says_so_and_what_to_exclude_instead()
    {
        var e = Assert.Throws<QuantizationException>(() => ModelQuantizer.Quantize(
            ExportGraphs.ConvBatchNormInConstants(11), "bn.onnx", Random(8, seed: 7), new QuantizationOptions { Exclude = ["bn"] }));

        Assert.Contains("'bn'", e.Message, StringComparison.Ordinal);
        Assert.Contains("folded it into", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_softmax_on_an_inner_axis_at_opset_11_is_refused_naming_the_node()
    {
        var e = Assert.Throws<QuantizationException>(() =>
            ModelQuantizer.Quantize(ExportGraphs.InnerAxisSoftmax(), "inner-softmax.onnx", Random(4, seed: 4), new QuantizationOptions()));

        Assert.Contains("Softmax node 'channel_softmax' of 'inner-softmax.onnx'", e.Message, StringComparison.Ordinal);
        Assert.Contains("opset 11", e.Message, StringComparison.Ordinal);
        Assert.Contains("re-export the model at opset 13 or publish it as FP32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_opset_older_than_9_is_still_refused_pointing_at_fp32()
    {
        var model = OnnxFile.Parse(ExportGraphs.ClipAttributes(), "old.onnx");
        model.OpsetImport[0].Version = 8;

        var e = Assert.Throws<QuantizationException>(() =>
            ModelQuantizer.Quantize(OnnxFile.ToBytes(model), "old.onnx", Random(4, seed: 4), new QuantizationOptions()));

        Assert.Contains("'old.onnx' uses opset 8", e.Message, StringComparison.Ordinal);
        Assert.Contains("FP32", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_op_the_upgrade_does_not_know_is_refused_naming_op_node_and_opset()
    {
        var model = OnnxFile.Parse(ExportGraphs.ClipAttributes(), "hardmax.onnx");
        var hardmax = new NodeProto { OpType = "Hardmax", Name = "pick" };
        hardmax.Input.Add("logits");
        hardmax.Output.Add("picked");
        model.Graph.Node.Add(hardmax);
        model.Graph.Output.Add(new ValueInfoProto { Name = "picked", Type = model.Graph.Output[0].Type.Clone() });

        var e = Assert.Throws<QuantizationException>(() =>
            ModelQuantizer.Quantize(OnnxFile.ToBytes(model), "hardmax.onnx", Random(4, seed: 4), new QuantizationOptions()));

        Assert.Contains("Hardmax node 'pick' of 'hardmax.onnx' from opset 10", e.Message, StringComparison.Ordinal);
        Assert.Contains("re-export the model at opset 13 or publish it as FP32", e.Message, StringComparison.Ordinal);
    }

    private static byte[] Export(string name) => name switch
    {
        "conv-bn-constants-13" => ExportGraphs.ConvBatchNormInConstants(13),
        "conv-bn-constants-11" => ExportGraphs.ConvBatchNormInConstants(11),
        "conv-bn-constants-9" => ExportGraphs.ConvBatchNormInConstants(9),
        "clip-attributes-10" => ExportGraphs.ClipAttributes(),
        "squeeze-axes-12" => ExportGraphs.SqueezeAxesAttribute(),
        "squeeze-excite-11" => ExportGraphs.SqueezeExcite(),
        "pad-resize-10" => ExportGraphs.PadResizeAttributes(),
        "slice-upsample-9" => ExportGraphs.SliceUpsampleAttributes(),
        "split-12" => ExportGraphs.SplitAttribute(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    private static TensorSet Random(int count, int seed) => new(Sample, ExportGraphs.RandomSamples(count, 3 * 8 * 8, seed));

    private static List<string> RealInputs(GraphProto graph) =>
        [.. graph.Input.Where(i => graph.Initializer.All(t => t.Name != i.Name)).Select(i => i.Name)];
}
