namespace Edge.ModelTools.Quantization;

using Edge.ModelTools.Onnx;
using global::Onnx;

/// <summary>
/// Dynamic (weight-only) quantization of MatMul and Gemm with a constant weight, in the form ONNX Runtime's
/// Python <c>quantize_dynamic</c> writes and its optimizer fuses into <c>DynamicQuantizeMatMul</c>:
/// <c>DynamicQuantizeLinear(x)</c> → <c>MatMulInteger(x_q, W_q, x_zp)</c> → <c>Cast</c> → <c>Mul(x_scale × W_scale)</c>
/// [→ <c>Add(bias)</c>]. Weights are symmetric int8 per output column; a Gemm becomes that MatMul chain plus its
/// bias (its weight transposed ahead of time when <c>transB</c> = 1). Everything else stays float.
/// </summary>
internal static class DynamicQuantizer
{
    public static QuantizedModel Quantize(byte[] fp32Model, string source, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        // The same pre-processing as static mode: Constant weights become initializers, opsets 9–12 are upgraded.
        var model = QuantizationPreprocessor.Prepare(OnnxFile.Parse(fp32Model, source), source);
        var graph = model.Graph;
        var index = new GraphIndex(graph);
        var nodes = new List<NodeProto>();
        var layers = new List<QuantizedLayer>();
        var floatOps = new List<FloatNode>();
        var quantizedInputs = new Dictionary<string, (string Values, string Scale, string ZeroPoint)>(StringComparer.Ordinal);
        foreach (var node in graph.Node.ToList())
        {
            var weight = Weight(index, node);
            if (weight is null)
            {
                nodes.Add(node);
                if (node.OpType is not ("Constant" or "Flatten" or "Reshape"))
                {
                    floatOps.Add(new FloatNode(string.IsNullOrEmpty(node.Name) ? node.Output[0] : node.Name, node.OpType, "dynamic quantization covers MatMul/Gemm weights only"));
                }

                continue;
            }

            var input = node.Input[0];
            if (!quantizedInputs.TryGetValue(input, out var q))
            {
                q = (input + "_dynamic_quantized", input + "_dynamic_scale", input + "_dynamic_zero_point");
                quantizedInputs[input] = q;
                nodes.Add(Node("DynamicQuantizeLinear", input + "_DynamicQuantizeLinear", [input], [q.Values, q.Scale, q.ZeroPoint]));
            }

            nodes.AddRange(Rewrite(index, node, weight, q, options.ReduceRange));
            layers.Add(new QuantizedLayer(string.IsNullOrEmpty(node.Name) ? node.Output[0] : node.Name, node.OpType, node.Output[0], node.Output[0]));
        }

        graph.Node.Clear();
        graph.Node.AddRange(nodes);
        return new QuantizedModel(OnnxFile.ToBytes(model), ActivationType.UInt8, layers, floatOps, quantizedInputs.Count);
    }

    /// <summary>The float 2-D weight of a MatMul, or of a plain Gemm (alpha = beta = 1, no transA); null when the node stays float.</summary>
    private static TensorProto? Weight(GraphIndex index, NodeProto node)
    {
        var plainGemm = node.OpType == "Gemm"
            && GraphIndex.IntAttribute(node, "transA", 0) == 0
            && node.Attribute.Where(a => a.Name is "alpha" or "beta").All(a => a.F == 1f);
        if ((node.OpType != "MatMul" && !plainGemm) || node.Input.Count < 2
            || !index.Initializers.TryGetValue(node.Input[1], out var weight)
            || weight.DataType != (int)TensorProto.Types.DataType.Float || weight.Dims.Count != 2)
        {
            return null;
        }

        return weight;
    }

    private static IEnumerable<NodeProto> Rewrite(
        GraphIndex index, NodeProto node, TensorProto weight, (string Values, string Scale, string ZeroPoint) input, bool reduceRange)
    {
        var values = Tensors.ReadFloats(weight);
        long rows = weight.Dims[0], columns = weight.Dims[1];
        if (node.OpType == "Gemm" && GraphIndex.IntAttribute(node, "transB", 0) == 1)
        {
            values = Transpose(values, (int)rows, (int)columns);
            (rows, columns) = (columns, rows);
        }

        // One scale per output column (axis 1 of the [K, N] weight): the product with the activation scale is a [N] vector the Mul broadcasts.
        var (q, scales) = WeightQuantizer.Quantize(values, [rows, columns], 1, reduceRange);
        var y = node.Output[0];
        var name = y + "_weight";
        index.Graph.Initializer.Add(Tensors.Int8s(name + "_quantized", q, rows, columns));
        index.Graph.Initializer.Add(Tensors.Floats(name + "_scale", scales, columns));
        if (index.Consumers(weight.Name).Count == 1)
        {
            index.Graph.Initializer.Remove(weight);
            var listed = index.Graph.Input.FirstOrDefault(i => i.Name == weight.Name);
            if (listed is not null)
            {
                index.Graph.Input.Remove(listed);
            }
        }

        var hasBias = node.OpType == "Gemm" && node.Input.Count > 2 && node.Input[2].Length > 0;
        yield return Node("MatMulInteger", y + "_MatMulInteger", [input.Values, name + "_quantized", input.ZeroPoint], [y + "_int32"]);
        var cast = Node("Cast", y + "_Cast", [y + "_int32"], [y + "_int32_float"]);
        cast.Attribute.Add(new AttributeProto { Name = "to", Type = AttributeProto.Types.AttributeType.Int, I = (int)TensorProto.Types.DataType.Float });
        yield return cast;
        yield return Node("Mul", y + "_scales_Mul", [input.Scale, name + "_scale"], [y + "_scales"]);
        yield return Node("Mul", y + "_Mul", [y + "_int32_float", y + "_scales"], [hasBias ? y + "_unbiased" : y]);
        if (hasBias)
        {
            yield return Node("Add", y + "_bias_Add", [y + "_unbiased", node.Input[2]], [y]);
        }
    }

    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                result[(c * rows) + r] = values[(r * columns) + c];
            }
        }

        return result;
    }

    private static NodeProto Node(string op, string name, string[] inputs, string[] outputs)
    {
        var node = new NodeProto { OpType = op, Name = name };
        node.Input.AddRange(inputs);
        node.Output.AddRange(outputs);
        return node;
    }
}
