namespace Edge.ModelTools.Onnx;

using global::Onnx;

/// <summary>Who produces and who consumes each tensor, which tensors are constants, and node attributes.</summary>
internal sealed class GraphIndex
{
    private readonly Dictionary<string, NodeProto> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<NodeProto>> _consumers = new(StringComparer.Ordinal);

    public GraphIndex(GraphProto graph)
    {
        Graph = graph;
        Initializers = graph.Initializer.ToDictionary(t => t.Name, StringComparer.Ordinal);
        GraphOutputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node)
        {
            foreach (var output in node.Output)
            {
                _producers[output] = node;
            }

            foreach (var input in node.Input.Where(i => i.Length > 0))
            {
                if (!_consumers.TryGetValue(input, out var list))
                {
                    _consumers[input] = list = [];
                }

                list.Add(node);
            }
        }
    }

    public GraphProto Graph { get; }

    public Dictionary<string, TensorProto> Initializers { get; }

    public HashSet<string> GraphOutputs { get; }

    public NodeProto? Producer(string tensor) => _producers.GetValueOrDefault(tensor);

    public IReadOnlyList<NodeProto> Consumers(string tensor) => _consumers.TryGetValue(tensor, out var list) ? list : [];

    /// <summary>An initializer or the output of a Constant node: not an activation.</summary>
    public bool IsConstant(string tensor) => Initializers.ContainsKey(tensor) || Producer(tensor)?.OpType == "Constant";

    /// <summary>The value of a float scalar initializer or Constant node (Clip's min/max in opset 13).</summary>
    public float? ConstantScalar(string tensor)
    {
        var value = Initializers.GetValueOrDefault(tensor) ?? Producer(tensor)?.Attribute.FirstOrDefault(a => a.Name == "value")?.T;
        if (value is null || value.DataType != (int)TensorProto.Types.DataType.Float)
        {
            return null;
        }

        var floats = Tensors.ReadFloats(value);
        return floats.Length == 1 ? floats[0] : null;
    }

    public static long IntAttribute(NodeProto node, string name, long fallback) =>
        node.Attribute.FirstOrDefault(a => a.Name == name)?.I ?? fallback;
}
