namespace Edge.ModelTools.Pruning;

using Edge.ModelTools.Onnx;
using global::Onnx;

/// <summary>
/// Unstructured magnitude pruning: in each Conv/Gemm/MatMul weight initializer, the values with the smallest |w|
/// become exactly zero. Per layer, not global: one threshold for the whole model would empty the layers whose
/// weights happen to be small (depthwise convs, the head) and leave the large ones dense. The result is an FP32
/// model meant for <see cref="Quantization.ModelQuantizer"/> and the accuracy gate; zeros do not make ONNX
/// Runtime faster, they make the file compress better (the OTA payload).
/// </summary>
internal static class MagnitudePruner
{
    private static readonly HashSet<string> WeightedOps = new(StringComparer.Ordinal) { "Conv", "Gemm", "MatMul" };

    public static PrunedModel Prune(byte[] fp32Model, string source, PruningOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.Sparsity is >= 0 and < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(options), options.Sparsity, "Sparsity must be in [0, 1)");
        }

        var model = OnnxFile.Parse(fp32Model, source);
        var index = new GraphIndex(model.Graph);
        var pruned = new List<PrunedTensor>();
        var skipped = new List<string>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var eligible = new List<(TensorProto Weight, string OpType, float[] Values)>();
        foreach (var node in model.Graph.Node.Where(n => WeightedOps.Contains(n.OpType) && n.Input.Count > 1))
        {
            // Input 1 is the weight; biases (input 2) are a few values per channel and are never pruned.
            if (!index.Initializers.TryGetValue(node.Input[1], out var weight) || !done.Add(weight.Name)
                || weight.DataType != (int)TensorProto.Types.DataType.Float || weight.Dims.Count < 2)
            {
                continue;
            }

            var values = Tensors.ReadFloats(weight);
            var grouped = node.OpType == "Conv" && GraphIndex.IntAttribute(node, "group", 1) > 1;
            if (values.Length < options.MinParameters || (grouped && !options.PruneGroupedConvolutions))
            {
                skipped.Add(weight.Name);
                continue;
            }

            eligible.Add((weight, node.OpType, values));
        }

        var counts = options.Scope == PruningScope.Global
            ? GlobalCounts(eligible.Select(e => e.Values).ToList(), options.Sparsity)
            : eligible.Select(e => (int)(options.Sparsity * e.Values.Length)).ToList();
        for (var i = 0; i < eligible.Count; i++)
        {
            var (weight, opType, values) = eligible[i];
            var zeros = ZeroSmallest(values, counts[i]);
            var replacement = Tensors.Floats(weight.Name, values, [.. weight.Dims]);
            weight.FloatData.Clear();
            weight.RawData = replacement.RawData;
            pruned.Add(new PrunedTensor(weight.Name, opType, values.Length, zeros));
        }

        return new PrunedModel(OnnxFile.ToBytes(model), pruned, skipped);
    }

    /// <summary>How many values of each tensor fall below one magnitude threshold chosen over all of them together.</summary>
    private static List<int> GlobalCounts(List<float[]> tensors, double sparsity)
    {
        var all = tensors.SelectMany(t => t.Select(Math.Abs)).ToArray();
        var count = (int)(sparsity * all.Length);
        if (count == 0)
        {
            return tensors.Select(_ => 0).ToList();
        }

        Array.Sort(all);
        var threshold = all[count - 1];
        var below = tensors.Select(t => t.Count(v => Math.Abs(v) < threshold)).ToList();
        var ties = count - below.Sum();
        for (var i = 0; i < tensors.Count && ties > 0; i++)
        {
            var take = Math.Min(ties, tensors[i].Count(v => Math.Abs(v) == threshold));
            below[i] += take;
            ties -= take;
        }

        return below;
    }

    /// <summary>Zeros exactly the <paramref name="count"/> smallest |w| (ties broken by position); returns the zeros now in the tensor.</summary>
    internal static int ZeroSmallest(float[] values, int count)
    {
        var order = new int[values.Length];
        var keys = new float[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            order[i] = i;
            keys[i] = Math.Abs(values[i]);
        }

        Array.Sort(keys, order);
        for (var i = 0; i < count; i++)
        {
            values[order[i]] = 0f;
        }

        return values.Count(v => v == 0f);
    }
}
