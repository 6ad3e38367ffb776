namespace Edge.ModelTools.Tests.Quantization;

using Google.Protobuf;
using global::Onnx;

/// <summary>
/// Small graphs written the way real exporters write them (weights in Constant nodes, BatchNormalization
/// unfused, opsets 9–12 with attributes that later became inputs), built on the ONNX protos with seeded weights.
/// </summary>
internal sealed class ExportGraphs
{
    private readonly GraphProto _graph = new() { Name = "export" };
    private readonly Random _random = new(7);

    /// <summary>[N,3,8,8] → Conv (Constant weight) → BatchNormalization → Relu → GlobalAveragePool → Flatten → Gemm → Softmax.</summary>
    public static byte[] ConvBatchNormInConstants(long opset)
    {
        var g = new ExportGraphs();
        g.Input("input", 3, 8, 8);
        g.Constant("conv.weight", 4, 3, 3, 3);
        g.Constant("conv.bias", 4);
        g.Node("Conv", "conv", ["input", "conv.weight", "conv.bias"], ["conv_out"], Ints("pads", 1, 1, 1, 1));
        g.Constant("bn.scale", 4);
        g.Constant("bn.bias", 4);
        g.Constant("bn.mean", 4);
        g.Node("Abs", "bn.var.abs", [g.Constant("bn.var.raw", 4)], ["bn.var"]); // a computed constant: ORT folds it
        g.Node("BatchNormalization", "bn", ["conv_out", "bn.scale", "bn.bias", "bn.mean", "bn.var"], ["bn_out"], Float("epsilon", 1e-5f));
        g.Node("Relu", "relu", ["bn_out"], ["relu_out"]);
        g.Node("GlobalAveragePool", "pool", ["relu_out"], ["pool_out"]);
        g.Node("Flatten", "flatten", ["pool_out"], ["flat"]);
        g.Constant("fc.weight", 5, 4);
        g.Constant("fc.bias", 5);
        g.Node("Gemm", "fc", ["flat", "fc.weight", "fc.bias"], ["logits"], Int("transB", 1));
        g.Node("Softmax", "softmax", ["logits"], ["probabilities"], Int("axis", 1));
        g.Output("probabilities", 5);
        return g.Model(opset);
    }

    /// <summary>Two outputs, as detection-style and multi-head exports have: the logits and their Softmax.</summary>
    public static byte[] TwoOutputs()
    {
        var g = new ExportGraphs();
        g.Input("input", 3, 8, 8);
        g.Node("Conv", "conv", ["input", g.Initializer("conv.weight", 4, 3, 3, 3), g.Initializer("conv.bias", 4)], ["conv_out"]);
        g.Node("GlobalAveragePool", "pool", ["conv_out"], ["pool_out"]);
        g.Node("Flatten", "flatten", ["pool_out"], ["flat"]);
        g.Node("Gemm", "fc", ["flat", g.Initializer("fc.weight", 4, 5), g.Initializer("fc.bias", 5)], ["logits"]);
        g.Node("Softmax", "softmax", ["logits"], ["probabilities"], Int("axis", 1));
        g.Output("logits", 5);
        g.Output("probabilities", 5);
        return g.Model(13);
    }

    /// <summary>
    /// PyTorch's <c>x.view(x.size(0), -1)</c> with a dynamic batch: Shape → Gather → Unsqueeze → Concat(int64) →
    /// Reshape, beside the float path Conv → Relu → GlobalAveragePool → Reshape → Gemm.
    /// </summary>
    public static byte[] DynamicBatchView()
    {
        var g = new ExportGraphs();
        g.Input("input", 3, 8, 8);
        g.Node("Conv", "conv", ["input", g.Initializer("conv.weight", 4, 3, 3, 3), g.Initializer("conv.bias", 4)], ["conv_out"]);
        g.Node("Relu", "relu", ["conv_out"], ["relu_out"]);
        g.Node("GlobalAveragePool", "pool", ["relu_out"], ["pool_out"]);
        g.Node("Shape", "shape", ["pool_out"], ["shape_out"]);
        g.Node("Gather", "batch", ["shape_out", g.Int64s("zero")], ["batch_out"], Int("axis", 0));
        g.Node("Unsqueeze", "unsqueeze", ["batch_out", g.Int64s("axes", 0)], ["batch_1d"]);
        g.Node("Concat", "view_shape", ["batch_1d", g.Int64s("minus_one", -1)], ["view_shape_out"], Int("axis", 0));
        g.Node("Reshape", "view", ["pool_out", "view_shape_out"], ["flat"]);
        g.Node("Gemm", "fc", ["flat", g.Initializer("fc.weight", 5, 4), g.Initializer("fc.bias", 5)], ["logits"], Int("transB", 1));
        g.Output("logits", 5);
        return g.Model(13);
    }

    /// <summary>Opset 10: Pad (pads attribute) → Conv → Relu → Resize(X, scales) ×2 nearest → GlobalAveragePool → Flatten → Gemm.</summary>
    public static byte[] PadResizeAttributes()
    {
        var g = new ExportGraphs();
        g.Input("input", 3, 8, 8);
        g.Node("Pad", "pad", ["input"], ["padded"], Ints("pads", 0, 0, 1, 1, 0, 0, 1, 1));
        g.Node("Conv", "conv", ["padded", g.Initializer("conv.weight", 4, 3, 3, 3), g.Initializer("conv.bias", 4)], ["conv_out"]);
        g.Node("Relu", "relu", ["conv_out"], ["relu_out"]);
        g.Node("Resize", "resize", ["relu_out", g.Floats("scales", 1, 1, 2, 2)], ["resized"]);
        g.Node("GlobalAveragePool", "pool", ["resized"], ["pool_out"]);
        g.Node("Flatten", "flatten", ["pool_out"], ["flat"]);
        g.Node("Gemm", "fc", ["flat", g.Initializer("fc.weight", 5, 4), g.Initializer("fc.bias", 5)], ["logits"], Int("transB", 1));
        g.Output("logits", 5);
        return g.Model(10);
    }

    /// <summary>Opset 9: Slice (starts/ends/axes attributes) → Conv → Relu → Upsample ×2 → GlobalAveragePool → Flatten → Gemm.</summary>
    public static byte[] SliceUpsampleAttributes()
    {
        var g = new ExportGraphs();
        g.Input("input", 3, 8, 8);
        g.Node("Slice", "crop", ["input"], ["cropped"], Ints("axes", 2, 3), Ints("starts", 1, 1), Ints("ends", 7, 7));
        g.Node("Conv", "conv", ["cropped", g.Initializer("conv.weight", 4, 3, 3, 3), g.Initializer("conv.bias", 4)], ["conv_out"]);
        g.Node("Relu", "relu", ["conv_out"], ["relu_out"]);
        g.Node("Upsample", "upsample", ["relu_out", g.Floats("scales", 1, 1, 2, 2)], ["upsampled"]);
        g.Node("GlobalAveragePool", "pool", ["upsampled"], ["pool_out"]);
        g.Node("Flatten", "flatten", ["pool_out"], ["flat"]);
        g.Node("Gemm", "fc", ["flat", g.Initializer("fc.weight", 5, 4), g.Initializer("fc.bias", 5)], ["logits"], Int("transB", 1));
        g.Output("logits", 5);
        return g.Model(9);
    }

    /// <summary>Opset 12: Conv → Split (split attribute) → Add of the halves → GlobalAveragePool → Flatten → Gemm.</summary>
    public static byte[] SplitAttribute()
    {
        var g = new ExportGraphs();
        g.Input("input", 3, 8, 8);
        g.Node("Conv", "conv", ["input", g.Initializer("conv.weight", 4, 3, 3, 3), g.Initializer("conv.bias", 4)], ["conv_out"]);
        g.Node("Split", "split", ["conv_out"], ["half_a", "half_b"], Int("axis", 1), Ints("split", 2, 2));
        g.Node("Add", "sum", ["half_a", "half_b"], ["summed"]);
        g.Node("GlobalAveragePool", "pool", ["summed"], ["pool_out"]);
        g.Node("Flatten", "flatten", ["pool_out"], ["flat"]);
        g.Node("Gemm", "fc", ["flat", g.Initializer("fc.weight", 5, 2), g.Initializer("fc.bias", 5)], ["logits"], Int("transB", 1));
        g.Output("logits", 5);
        return g.Model(12);
    }

    /// <summary>Opset 10: Conv → Clip(min, max attributes: ReLU6) → MaxPool → Flatten → Gemm.</summary>
    public static byte[] ClipAttributes(long opset = 10)
    {
        var g = new ExportGraphs();
        g.Input("input", 3, 8, 8);
        g.Node("Conv", "conv", ["input", g.Initializer("conv.weight", 4, 3, 3, 3), g.Initializer("conv.bias", 4)], ["conv_out"]);
        g.Node("Clip", "relu6", ["conv_out"], ["clip_out"], Float("min", 0f), Float("max", 6f));
        g.Node("MaxPool", "pool", ["clip_out"], ["pool_out"], Ints("kernel_shape", 2, 2), Ints("strides", 2, 2));
        g.Node("Flatten", "flatten", ["pool_out"], ["flat"]);
        g.Node("Gemm", "fc", ["flat", g.Initializer("fc.weight", 36, 5), g.Initializer("fc.bias", 5)], ["logits"]);
        g.Output("logits", 5);
        return g.Model(opset);
    }

    /// <summary>Opset 12: Conv → Relu → GlobalAveragePool → Squeeze(axes attribute) → Gemm.</summary>
    public static byte[] SqueezeAxesAttribute()
    {
        var g = new ExportGraphs();
        g.Input("input", 3, 8, 8);
        g.Node("Conv", "conv", ["input", g.Initializer("conv.weight", 4, 3, 3, 3), g.Initializer("conv.bias", 4)], ["conv_out"]);
        g.Node("Relu", "relu", ["conv_out"], ["relu_out"]);
        g.Node("GlobalAveragePool", "pool", ["relu_out"], ["pool_out"]);
        g.Node("Squeeze", "squeeze", ["pool_out"], ["flat"], Ints("axes", 2, 3));
        g.Node("Gemm", "fc", ["flat", g.Initializer("fc.weight", 4, 5), g.Initializer("fc.bias", 5)], ["logits"]);
        g.Output("logits", 5);
        return g.Model(12);
    }

    /// <summary>MobileNetV3's block at opset 11: Conv → x·HardSigmoid(x), squeeze-excite (GAP → Conv → Relu → Conv → HardSigmoid → Mul), Concat.</summary>
    public static byte[] SqueezeExcite()
    {
        var g = new ExportGraphs();
        g.Input("input", 3, 8, 8);
        g.Node("Conv", "conv", ["input", g.Constant("conv.weight", 8, 3, 3, 3), g.Constant("conv.bias", 8)], ["conv_out"], Ints("pads", 1, 1, 1, 1));
        g.Node("HardSigmoid", "hswish.gate", ["conv_out"], ["gate"], Float("alpha", 1f / 6), Float("beta", 0.5f));
        g.Node("Mul", "hswish", ["conv_out", "gate"], ["act"]);
        g.Node("GlobalAveragePool", "se.pool", ["act"], ["se_pool"]);
        g.Node("Conv", "se.reduce", ["se_pool", g.Constant("se.reduce.weight", 2, 8, 1, 1), g.Constant("se.reduce.bias", 2)], ["se_r"]);
        g.Node("Relu", "se.relu", ["se_r"], ["se_relu"]);
        g.Node("Conv", "se.expand", ["se_relu", g.Constant("se.expand.weight", 8, 2, 1, 1), g.Constant("se.expand.bias", 8)], ["se_e"]);
        g.Node("HardSigmoid", "se.gate", ["se_e"], ["se_gate"], Float("alpha", 1f / 6), Float("beta", 0.5f));
        g.Node("Mul", "se.scale", ["act", "se_gate"], ["scaled"]);
        g.Node("Concat", "concat", ["scaled", "act"], ["joined"], Int("axis", 1));
        g.Node("GlobalAveragePool", "pool", ["joined"], ["pool_out"]);
        g.Node("Flatten", "flatten", ["pool_out"], ["flat"]);
        g.Node("Gemm", "fc", ["flat", g.Constant("fc.weight", 5, 16), g.Constant("fc.bias", 5)], ["logits"], Int("transB", 1));
        g.Output("logits", 5);
        return g.Model(11);
    }

    /// <summary>Opset 11: a Softmax over the channels of a [N,4,8,8] map, which opset 13 would compute differently.</summary>
    public static byte[] InnerAxisSoftmax()
    {
        var g = new ExportGraphs();
        g.Input("input", 3, 8, 8);
        g.Node("Conv", "conv", ["input", g.Initializer("conv.weight", 4, 3, 3, 3), g.Initializer("conv.bias", 4)], ["conv_out"], Ints("pads", 1, 1, 1, 1));
        g.Node("Softmax", "channel_softmax", ["conv_out"], ["probabilities"], Int("axis", 1));
        g.Output("probabilities", 4, 8, 8);
        return g.Model(11);
    }

    public static List<float[]> RandomSamples(int count, int length, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, count).Select(_ => Enumerable.Range(0, length).Select(_ => (float)((random.NextDouble() * 2) - 1)).ToArray())];
    }

    private byte[] Model(long opset)
    {
        var model = new ModelProto { IrVersion = opset < 11 ? 5 : 6, ProducerName = "edge-tests", Graph = _graph };
        model.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = opset });
        return model.ToByteArray();
    }

    private void Input(string name, params long[] sample) => _graph.Input.Add(Value(name, sample));

    private void Output(string name, params long[] sample) => _graph.Output.Add(Value(name, sample));

    private static ValueInfoProto Value(string name, long[] sample)
    {
        var shape = new TensorShapeProto();
        shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = "N" });
        shape.Dim.AddRange(sample.Select(d => new TensorShapeProto.Types.Dimension { DimValue = d }));
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)TensorProto.Types.DataType.Float, Shape = shape } },
        };
    }

    private string Initializer(string name, params long[] dims)
    {
        _graph.Initializer.Add(Tensor(name, dims));
        return name;
    }

    /// <summary>A weight the exporter's way: a Constant node's value, not an initializer.</summary>
    private string Constant(string name, params long[] dims)
    {
        var node = new NodeProto { OpType = "Constant", Name = name + ".constant" };
        node.Output.Add(name);
        node.Attribute.Add(new AttributeProto { Name = "value", Type = AttributeProto.Types.AttributeType.Tensor, T = Tensor(name, dims) });
        _graph.Node.Add(node);
        return name;
    }

    private string Floats(string name, params float[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.Add(values.Length);
        tensor.FloatData.AddRange(values);
        _graph.Initializer.Add(tensor);
        return name;
    }

    /// <summary>An int64 initializer: a scalar without values given as zero, else a 1-D list.</summary>
    private string Int64s(string name, params long[] values)
    {
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        if (values.Length == 0)
        {
            tensor.Int64Data.Add(0);
        }
        else
        {
            tensor.Dims.Add(values.Length);
            tensor.Int64Data.AddRange(values);
        }

        _graph.Initializer.Add(tensor);
        return name;
    }

    private TensorProto Tensor(string name, long[] dims)
    {
        var count = (int)dims.Aggregate(1L, (a, b) => a * b);
        var scale = dims.Length > 1 ? 1 / Math.Sqrt(dims.Skip(1).Aggregate(1L, (a, b) => a * b)) : 0.5;
        var tensor = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        tensor.Dims.AddRange(dims);
        tensor.FloatData.AddRange(Enumerable.Range(0, count).Select(_ => (float)(((_random.NextDouble() * 2) - 1) * scale) + (dims.Length == 1 ? 0.6f : 0f)));
        return tensor;
    }

    private void Node(string op, string name, string[] inputs, string[] outputs, params AttributeProto[] attributes)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        node.Attribute.AddRange(attributes);
        _graph.Node.Add(node);
    }

    private static AttributeProto Int(string name, long value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    private static AttributeProto Ints(string name, params long[] values)
    {
        var attribute = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        attribute.Ints.AddRange(values);
        return attribute;
    }

    private static AttributeProto Float(string name, float value) => new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };
}
