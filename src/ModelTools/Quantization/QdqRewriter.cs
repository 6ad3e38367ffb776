namespace Edge.ModelTools.Quantization;

using Edge.ModelTools.Calibration;
using Edge.ModelTools.Onnx;
using global::Onnx;

/// <summary>Writes the QDQ graph a <see cref="QdqPlan"/> describes, given calibrated ranges.</summary>
internal static class QdqRewriter
{
    public const string QuantizedSuffix = "_quantized";
    public const string DequantizedSuffix = "_dequantized";

    public static void Rewrite(QdqPlan plan, IReadOnlyDictionary<string, TensorRange> ranges, ActivationType type, bool reduceRange)
    {
        var graph = plan.Index.Graph;
        var activations = new Dictionary<string, QuantParams>(StringComparer.Ordinal);
        foreach (var tensor in plan.Tensors)
        {
            activations[tensor] = plan.Aliases.TryGetValue(tensor, out var root)
                ? activations[root]
                : QuantParams.FromRange(ranges[tensor], type);
            if (!plan.Aliases.ContainsKey(tensor))
            {
                var p = activations[tensor];
                graph.Initializer.Add(Tensors.Floats(tensor + "_scale", [p.Scale]));
                graph.Initializer.Add(type == ActivationType.Int8
                    ? Tensors.Int8s(tensor + "_zero_point", [(sbyte)p.ZeroPoint])
                    : Tensors.UInt8s(tensor + "_zero_point", [(byte)p.ZeroPoint]));
            }
        }

        var weightNodes = new List<NodeProto>();
        foreach (var node in plan.QuantizedNodes.Where(QdqPlan.HasWeight))
        {
            weightNodes.AddRange(QuantizeWeights(plan.Index, node, activations[node.Input[0]].Scale, reduceRange));
        }

        var planned = plan.Tensors.ToHashSet(StringComparer.Ordinal);
        var nodes = new List<NodeProto>(weightNodes);
        if (planned.Contains(plan.InputName))
        {
            nodes.AddRange(Pair(plan.InputName, Root(plan, plan.InputName)));
        }

        foreach (var node in graph.Node)
        {
            for (var i = 0; i < node.Input.Count; i++)
            {
                if (planned.Contains(node.Input[i]))
                {
                    node.Input[i] += DequantizedSuffix;
                }
            }

            nodes.Add(node);
            foreach (var output in node.Output.Where(planned.Contains))
            {
                nodes.AddRange(Pair(output, Root(plan, output)));
            }
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
    }

    private static string Root(QdqPlan plan, string tensor) => plan.Aliases.GetValueOrDefault(tensor, tensor);

    private static NodeProto[] Pair(string tensor, string paramsOf) =>
    [
        Node("QuantizeLinear", tensor + "_QuantizeLinear", [tensor, paramsOf + "_scale", paramsOf + "_zero_point"], tensor + QuantizedSuffix),
        Node("DequantizeLinear", tensor + "_DequantizeLinear", [tensor + QuantizedSuffix, paramsOf + "_scale", paramsOf + "_zero_point"], tensor + DequantizedSuffix),
    ];

    /// <summary>Replaces the weight (and bias) initializers of <paramref name="node"/> with integer ones plus a DequantizeLinear.</summary>
    private static IEnumerable<NodeProto> QuantizeWeights(GraphIndex index, NodeProto node, float inputScale, bool reduceRange)
    {
        var weight = index.Initializers[node.Input[1]];
        var dims = weight.Dims.ToArray();
        var axis = node.OpType switch
        {
            "Conv" => 0,
            "Gemm" => GraphIndex.IntAttribute(node, "transB", 0) == 1 ? 0 : 1,
            _ => -1, // MatMul: ONNX Runtime's QLinearMatMul takes one weight scale
        };
        var (values, scales) = WeightQuantizer.Quantize(Tensors.ReadFloats(weight), dims, axis, reduceRange);
        var name = node.Input[1];
        var channelDims = axis < 0 ? Array.Empty<long>() : [scales.Length];
        Replace(index, weight, Tensors.Int8s(name + QuantizedSuffix, values, dims));
        index.Graph.Initializer.Add(Tensors.Floats(name + "_scale", scales, channelDims));
        index.Graph.Initializer.Add(Tensors.Int8s(name + "_zero_point", new sbyte[scales.Length], channelDims));
        node.Input[1] = name + DequantizedSuffix;
        yield return Dequantize(name, axis);

        if (node.OpType == "MatMul" || node.Input.Count < 3 || !index.Initializers.TryGetValue(node.Input[2], out var bias)
            || bias.Dims.Count != 1 || bias.Dims[0] != (axis < 0 ? bias.Dims[0] : scales.Length))
        {
            yield break;
        }

        var (biasValues, biasScales) = WeightQuantizer.QuantizeBias(Tensors.ReadFloats(bias), inputScale, scales);
        var biasName = node.Input[2];
        Replace(index, bias, Tensors.Int32s(biasName + QuantizedSuffix, biasValues, biasValues.Length));
        index.Graph.Initializer.Add(Tensors.Floats(biasName + "_scale", biasScales, biasScales.Length));
        index.Graph.Initializer.Add(Tensors.Int32s(biasName + "_zero_point", new int[biasScales.Length], biasScales.Length));
        node.Input[2] = biasName + DequantizedSuffix;
        yield return Dequantize(biasName, 0);
    }

    private static void Replace(GraphIndex index, TensorProto original, TensorProto replacement)
    {
        index.Graph.Initializer.Remove(original);
        var listed = index.Graph.Input.FirstOrDefault(i => i.Name == original.Name);
        if (listed is not null)
        {
            index.Graph.Input.Remove(listed);
        }

        index.Graph.Initializer.Add(replacement);
    }

    private static NodeProto Dequantize(string name, int axis)
    {
        var node = Node("DequantizeLinear", name + "_DequantizeLinear", [name + QuantizedSuffix, name + "_scale", name + "_zero_point"], name + DequantizedSuffix);
        if (axis >= 0)
        {
            node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = axis });
        }

        return node;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string output)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        return node;
    }
}
