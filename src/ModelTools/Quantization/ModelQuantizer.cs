namespace Edge.ModelTools.Quantization;

using Edge.ModelTools.Calibration;
using Edge.ModelTools.Onnx;
using global::Onnx;

/// <summary>
/// Post-training static quantization to QDQ: calibrates activation ranges with ONNX Runtime, then writes
/// symmetric per-channel int8 weights, int32 biases and Q/DQ pairs on activations. Unsupported ops stay float.
/// </summary>
internal static class ModelQuantizer
{
    public static QuantizedModel Quantize(byte[] fp32Model, string source, TensorSet calibration, QuantizationOptions options)
    {
        ArgumentNullException.ThrowIfNull(fp32Model);
        ArgumentNullException.ThrowIfNull(calibration);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Mode == QuantizationMode.Dynamic)
        {
            return DynamicQuantizer.Quantize(fp32Model, source, options);
        }

        if (calibration.Count == 0)
        {
            throw new QuantizationException($"no calibration data for '{source}': static quantization needs representative inputs to measure activation ranges");
        }

        // Planning and calibration see the prepared graph (BN folded, constants as initializers, opset 13); the
        // caller's FP32 bytes stay the reference the evaluator compares against (same input and output names).
        var parsed = OnnxFile.Parse(fp32Model, source);
        CheckInput(parsed.Graph, calibration, source);
        var original = QuantizationPreprocessor.Prepare(parsed, source);
        var type = ActivationTypes.Resolve(options.ActivationType);

        var model = original.Clone();
        var plan = QdqPlan.Create(model, Excluded(parsed.Graph, model.Graph, options.Exclude, source));
        var ranges = RangeCollector.Collect(
            original, plan.Tensors.Where(t => !plan.Aliases.ContainsKey(t)).ToList(), calibration,
            options.CalibrationMethod, options.Percentile, options.CalibrationBatchSize);
        var planned = plan.Tensors.ToHashSet(StringComparer.Ordinal);
        var layers = plan.QuantizedNodes
            .Select(n => new QuantizedLayer(
                string.IsNullOrEmpty(n.Name) ? n.Output[0] : n.Name, n.OpType, n.Output[0],
                planned.Contains(n.Output[0]) ? n.Output[0] + QdqRewriter.DequantizedSuffix : n.Output[0]))
            .ToList();
        QdqRewriter.Rewrite(plan, ranges, type, options.ReduceRange);
        return new QuantizedModel(OnnxFile.ToBytes(model), type, layers, plan.FloatNodes, plan.Tensors.Count);
    }

    /// <summary>The excluded names, each checked to be a node of the model (a typo would otherwise silently quantize it).</summary>
    private static HashSet<string> Excluded(GraphProto uploaded, GraphProto graph, IReadOnlyList<string> exclude, string source)
    {
        var names = graph.Node.Select(QdqPlan.NodeName).ToHashSet(StringComparer.Ordinal);
        var unknown = exclude.Where(e => !names.Contains(e)).ToList();
        var folded = unknown.Where(u => uploaded.Node.Any(n => QdqPlan.NodeName(n) == u)).ToList();
        if (folded.Count > 0)
        {
            throw new QuantizationException(
                $"cannot exclude {string.Join(", ", folded.Select(u => $"'{u}'"))}: pre-processing folded it into a neighbour (a BatchNormalization into the Conv before it, a Constant into an initializer); exclude the node it was folded into");
        }

        if (unknown.Count > 0)
        {
            var quantizable = graph.Node.Where(n => n.OpType is "Conv" or "Gemm" or "MatMul" or "Add" or "Mul" or "Concat").Select(QdqPlan.NodeName).Take(10);
            throw new QuantizationException(
                $"cannot exclude {string.Join(", ", unknown.Select(u => $"'{u}'"))}: no such node in '{source}' (nodes that can be quantized include: {string.Join(", ", quantizable)})");
        }

        return exclude.ToHashSet(StringComparer.Ordinal);
    }

    /// <summary>One input, [batch, …] with the calibration sample's shape after the batch axis.</summary>
    private static void CheckInput(GraphProto graph, TensorSet calibration, string source)
    {
        var inputs = graph.Input.Where(i => graph.Initializer.All(t => t.Name != i.Name)).ToList();
        if (inputs.Count != 1)
        {
            throw new QuantizationException($"'{source}' has {inputs.Count} inputs; calibration feeds exactly one");
        }

        var input = inputs[0];
        var tensorType = input.Type?.TensorType;
        if (tensorType is null || tensorType.ElemType != (int)TensorProto.Types.DataType.Float)
        {
            throw new QuantizationException($"input '{input.Name}' of '{source}' is not a float tensor");
        }

        var dims = tensorType.Shape?.Dim.Select(d => d.DimValue).ToArray() ?? [];
        var expected = string.Join(',', dims.Select(d => d > 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?"));
        var matches = dims.Length == calibration.SampleShape.Length + 1
            && dims.Skip(1).Zip(calibration.SampleShape).All(p => p.First <= 0 || p.First == p.Second);
        if (!matches)
        {
            throw new QuantizationException(
                $"input '{input.Name}' of '{source}' is [{expected}] but the calibration tensors are [N,{string.Join(',', calibration.SampleShape)}]");
        }
    }
}
