namespace Edge.ModelTools.Quantization;

using Edge.ModelTools.Onnx;
using global::Onnx;

/// <summary>
/// Decides, on a copy of the graph, which nodes get integer kernels and which tensors get a
/// QuantizeLinear/DequantizeLinear pair. ReLU and Clip(≤0, ≥0) directly after a quantized op are folded into
/// that op's output quantization (the Q saturates where they clamp), which is what lets ONNX Runtime fuse
/// DQ → Conv → Q into one QLinearConv.
/// </summary>
internal sealed class QdqPlan
{
    /// <summary>
    /// Ops that get integer kernels: their activation inputs and their outputs are quantized. Mul of two activations
    /// (squeeze-excite, x · hard-sigmoid(x)) → QLinearMul, Concat → QLinearConcat, each with its own output range.
    /// </summary>
    private static readonly HashSet<string> Quantized = ["Conv", "Gemm", "MatMul", "Add", "Mul", "Concat"];

    /// <summary>The integer ops with a weight (input 1) to quantize per channel.</summary>
    public static bool HasWeight(NodeProto node) => node.OpType is "Conv" or "Gemm" or "MatMul";

    /// <summary>Ops ONNX Runtime runs on integers without changing the scale: the output reuses the input's parameters.</summary>
    private static readonly HashSet<string> SameScale = ["MaxPool", "Flatten", "Reshape", "Transpose", "Squeeze", "Unsqueeze"];

    /// <summary>
    /// Ops whose output is calibrated separately: integer kernels or fusions (QLinearGlobalAveragePool, QLinearSigmoid …),
    /// and HardSigmoid/HardSwish, which have none and run in float between DQ and Q, so that what follows them
    /// (MobileNetV3's pooling and squeeze-excite) still reads a quantized tensor.
    /// </summary>
    private static readonly HashSet<string> OwnScale = ["GlobalAveragePool", "AveragePool", "Relu", "Clip", "Sigmoid", "HardSigmoid", "HardSwish"];

    private readonly IReadOnlySet<string> _excluded;

    private HashSet<string> _integers = [];

    private QdqPlan(GraphIndex index, IReadOnlySet<string> excluded)
    {
        Index = index;
        _excluded = excluded;
    }

    public GraphIndex Index { get; }

    /// <summary>Tensors that get a Q/DQ pair, in graph order.</summary>
    public List<string> Tensors { get; } = [];

    /// <summary>A tensor whose parameters are those of another (same-scale ops).</summary>
    public Dictionary<string, string> Aliases { get; } = new(StringComparer.Ordinal);

    /// <summary>Nodes given integer kernels (weights and biases quantized).</summary>
    public List<NodeProto> QuantizedNodes { get; } = [];

    /// <summary>Nodes left in float that are neither quantized nor integer pass-through.</summary>
    public List<FloatNode> FloatNodes { get; } = [];

    public string InputName { get; private set; } = "";

    /// <summary>Folds activations into <paramref name="model"/> (a copy) and plans its QDQ rewrite.</summary>
    public static QdqPlan Create(ModelProto model, IReadOnlySet<string>? excluded = null)
    {
        excluded ??= new HashSet<string>();
        FoldActivations(model.Graph, excluded);
        var plan = new QdqPlan(new GraphIndex(model.Graph), excluded);
        plan.Walk();
        return plan;
    }

    private void Walk()
    {
        var graph = Index.Graph;
        var inputs = graph.Input.Where(i => !Index.Initializers.ContainsKey(i.Name)).ToList();
        InputName = inputs[0].Name;
        _integers = IntegerTensors(graph);
        var planned = new HashSet<string>(StringComparer.Ordinal);
        void Add(string tensor)
        {
            if (!Index.GraphOutputs.Contains(tensor) && !Index.IsConstant(tensor) && planned.Add(tensor))
            {
                Tensors.Add(tensor);
            }
        }

        foreach (var node in graph.Node)
        {
            var excluded = _excluded.Contains(NodeName(node));
            if (Quantized.Contains(node.OpType) && !excluded && CanQuantize(node))
            {
                QuantizedNodes.Add(node);
                foreach (var input in ActivationInputs(node))
                {
                    Add(input);
                }

                Add(node.Output[0]);
            }
            else if ((SameScale.Contains(node.OpType) || OwnScale.Contains(node.OpType)) && !excluded && planned.Contains(node.Input[0])
                && !(node.OpType == "Sigmoid" && Index.GraphOutputs.Contains(node.Output[0])))
            {
                Add(node.Output[0]);
                if (SameScale.Contains(node.OpType))
                {
                    Aliases[node.Output[0]] = Root(node.Input[0]);
                }
            }
            else if (node.OpType != "Constant")
            {
                FloatNodes.Add(new FloatNode(NodeName(node), node.OpType, excluded ? "excluded by request" : WhyFloat(node, planned)));
            }
        }
    }

    /// <summary>How the report and <c>exclude</c> name a node: its name, or its first output for unnamed nodes.</summary>
    public static string NodeName(NodeProto node) => string.IsNullOrEmpty(node.Name) ? node.Output.FirstOrDefault() ?? node.OpType : node.Name;

    private string WhyFloat(NodeProto node, HashSet<string> planned) => node.OpType switch
    {
        "Softmax" or "LogSoftmax" => "kept float: the scores need full precision",
        "Sigmoid" when node.Output.Any(Index.GraphOutputs.Contains) => "kept float: the scores need full precision",
        "Conv" or "Gemm" or "MatMul" when node.Input.Count >= 2 && !IsFloatInitializer(node.Input[1]) =>
            "its weight is not a float initializer (computed, or held in a Constant node)",
        "Gemm" or "MatMul" => "transposed input or a weight that is not 2-D",
        "Add" or "Mul" or "Concat" when node.Input.Any(_integers.Contains) => "it computes integers (shapes or indices), not activations",
        "Add" or "Mul" => "one operand is a constant",
        "Concat" => "one input is a constant",
        _ when SameScale.Contains(node.OpType) || OwnScale.Contains(node.OpType) => node.Input.Count > 0 && !planned.Contains(node.Input[0])
            ? "its input is float" : "not quantized",
        _ => $"no integer kernel for {node.OpType} in this quantizer",
    };

    private string Root(string tensor) => Aliases.TryGetValue(tensor, out var root) ? root : tensor;

    public static IEnumerable<string> ActivationInputs(NodeProto node) => node.OpType switch
    {
        "Add" or "Mul" or "Concat" => node.Input,
        _ => node.Input.Take(1),
    };

    /// <summary>
    /// Tensors that hold integers, not activations: shape arithmetic (PyTorch's <c>x.view(b, c)</c> is Shape → Gather →
    /// Concat → Reshape), casts to integer types and integer initializers, followed through the ops that carry them.
    /// A Q/DQ pair on one of them does not even load.
    /// </summary>
    private static HashSet<string> IntegerTensors(GraphProto graph)
    {
        var integers = graph.Initializer.Where(t => t.DataType != (int)TensorProto.Types.DataType.Float).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        integers.UnionWith(graph.Input.Where(i => i.Type?.TensorType is { } t && t.ElemType != (int)TensorProto.Types.DataType.Float).Select(i => i.Name));
        foreach (var node in graph.Node)
        {
            var integer = node.OpType switch
            {
                "Shape" or "Size" or "NonZero" or "ArgMax" or "ArgMin" => true,
                "Cast" => GraphIndex.IntAttribute(node, "to", (int)TensorProto.Types.DataType.Float) != (int)TensorProto.Types.DataType.Float,
                "Constant" or "ConstantOfShape" => node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } t && t.DataType != (int)TensorProto.Types.DataType.Float,
                "Where" => node.Input.Skip(1).Any(integers.Contains),
                "Concat" or "Add" or "Sub" or "Mul" or "Div" or "Mod" or "Min" or "Max" or "Sum" or "Range" or "Equal" or "Less" or "Greater" => node.Input.Any(integers.Contains),

                // Everything else carries its first input's type (Gather, Reshape, Expand, Tile, Abs, Neg, Reduce*,
                // Split, Pad…: data first, shapes and indices after), so integers flow through ops not named here.
                _ => node.Input.Count > 0 && integers.Contains(node.Input[0]),
            };
            if (node.OpType is "TopK" && node.Output.Count > 1)
            {
                integers.Add(node.Output[1]);
            }

            if (integer)
            {
                integers.UnionWith(node.Output);
            }
        }

        return integers;
    }

    private bool CanQuantize(NodeProto node) => node.OpType switch
    {
        // Weights must be constant float initializers; Add needs two activations (a constant addend stays float).
        "Conv" => node.Input.Count >= 2 && IsFloatInitializer(node.Input[1]) && !Index.IsConstant(node.Input[0]),
        "Gemm" or "MatMul" => node.Input.Count >= 2 && IsFloatInitializer(node.Input[1]) && Index.Initializers[node.Input[1]].Dims.Count == 2
            && !Index.IsConstant(node.Input[0]) && GraphIndex.IntAttribute(node, "transA", 0) == 0,
        "Add" or "Mul" => node.Input.Count == 2 && node.Input.All(i => !Index.IsConstant(i) && !_integers.Contains(i)),
        "Concat" => node.Input.Count > 0 && node.Input.All(i => !Index.IsConstant(i) && !_integers.Contains(i)),
        _ => false,
    };

    private bool IsFloatInitializer(string name) =>
        Index.Initializers.TryGetValue(name, out var t) && t.DataType == (int)TensorProto.Types.DataType.Float;

    private static void FoldActivations(GraphProto graph, IReadOnlySet<string> excluded)
    {
        // An excluded node stays float, so its activation must stay a node of its own.
        var index = new GraphIndex(graph);
        foreach (var node in graph.Node.Where(n => Quantized.Contains(n.OpType) && !excluded.Contains(NodeName(n))).ToList())
        {
            var output = node.Output[0];
            var consumers = index.Consumers(output);
            if (index.GraphOutputs.Contains(output) || consumers.Count != 1 || !Foldable(consumers[0], index))
            {
                continue;
            }

            var activation = consumers[0];
            node.Output[0] = activation.Output[0];
            graph.Node.Remove(activation);
        }

        // The folded Clips' bound constants are now unread; ORT would warn about each one.
        var read = graph.Node.SelectMany(n => n.Input).ToHashSet(StringComparer.Ordinal);
        foreach (var constant in graph.Node.Where(n => n.OpType == "Constant" && !n.Output.Any(read.Contains) && !index.GraphOutputs.Overlaps(n.Output)).ToList())
        {
            graph.Node.Remove(constant);
        }
    }

    /// <summary>ReLU, or Clip whose constant bounds contain 0 (ReLU6): quantizing its output over [min(0,lo), hi] clamps the same.</summary>
    private static bool Foldable(NodeProto activation, GraphIndex index)
    {
        if (activation.OpType == "Relu")
        {
            return true;
        }

        if (activation.OpType != "Clip")
        {
            return false;
        }

        var min = activation.Input.Count > 1 && activation.Input[1].Length > 0 ? index.ConstantScalar(activation.Input[1]) : float.MinValue;
        var max = activation.Input.Count > 2 && activation.Input[2].Length > 0 ? index.ConstantScalar(activation.Input[2]) : float.MaxValue;
        return min is <= 0 && max is >= 0;
    }
}
