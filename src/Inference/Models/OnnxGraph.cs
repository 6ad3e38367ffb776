namespace Edge.Inference;

using System.Text;
using Edge.Shared.Serialization;

/// <summary>
/// What an ONNX file says about its graph, read straight from the protobuf wire format (no ONNX dependency): the
/// default-domain opset, the graph's inputs, outputs and nodes. Enough to tell what a model's output holds (a final
/// Softmax means probabilities).
/// </summary>
public sealed class OnnxGraph
{
    // ModelProto: ir_version 1, graph 7, opset_import 8. GraphProto: node 1, initializer 5, input 11, output 12.
    // NodeProto: input 1, output 2, name 3, op_type 4. OperatorSetIdProto: domain 1, version 2. ValueInfoProto and
    // TensorProto: name 1 and 8.
    private readonly List<string> _inputs = [];
    private readonly List<string> _outputs = [];
    private readonly List<OnnxNode> _nodes = [];
    private readonly HashSet<string> _initializers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, OnnxNode> _producers = new(StringComparer.Ordinal);

    private OnnxGraph()
    {
    }

    /// <summary>The default-domain opset (0 when the file declares none).</summary>
    public long Opset { get; private set; }

    /// <summary>Graph inputs that are not initializers, in file order.</summary>
    public IReadOnlyList<string> Inputs => _inputs;

    public IReadOnlyList<string> Outputs => _outputs;

    public IReadOnlyList<OnnxNode> Nodes => _nodes;

    /// <summary>Reads the graph; throws <see cref="ModelLoadException"/> naming <paramref name="source"/> when the bytes are not ONNX.</summary>
    public static OnnxGraph Read(ReadOnlySpan<byte> model, string source)
    {
        var graph = new OnnxGraph();
        if (!graph.TryReadModel(model))
        {
            throw new ModelLoadException($"'{source}' is not an ONNX model (it does not parse as a ModelProto with a graph)");
        }

        graph._inputs.RemoveAll(graph._initializers.Contains);
        foreach (var node in graph._nodes)
        {
            foreach (var output in node.Outputs)
            {
                graph._producers[output] = node;
            }
        }

        return graph;
    }

    /// <summary>
    /// The last node that changes the values of <paramref name="output"/>: shape-only ops in front of it (Identity,
    /// Reshape, Flatten, Squeeze, Unsqueeze) are looked through, so a Softmax followed by a Reshape still counts.
    /// Null for a graph input, an initializer or an unknown name.
    /// </summary>
    public OnnxNode? LastComputingNode(string output)
    {
        var node = _producers.GetValueOrDefault(output);
        for (var hops = 0; node is not null && hops < 64 && IsShapeOnly(node.OpType) && node.Inputs.Count > 0; hops++)
        {
            node = _producers.GetValueOrDefault(node.Inputs[0]);
        }

        return node;
    }

    private static bool IsShapeOnly(string op) => op is "Identity" or "Reshape" or "Flatten" or "Squeeze" or "Unsqueeze";

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private bool TryReadModel(ReadOnlySpan<byte> model)
    {
        var reader = new ProtobufReader(model);
        bool hasIrVersion = false, hasGraph = false;
        while (!reader.End)
        {
            if (!reader.TryRead())
            {
                return false;
            }

            switch (reader.Field, reader.WireType)
            {
                case (1, ProtobufReader.Varint):
                    hasIrVersion = true;
                    break;
                case (7, ProtobufReader.LengthDelimited):
                    if (!TryReadGraph(reader.Payload))
                    {
                        return false;
                    }

                    hasGraph = true;
                    break;
                case (8, ProtobufReader.LengthDelimited):
                    if (!TryReadOpset(reader.Payload))
                    {
                        return false;
                    }

                    break;
            }
        }

        return hasIrVersion && hasGraph;
    }

    private bool TryReadOpset(ReadOnlySpan<byte> message)
    {
        var reader = new ProtobufReader(message);
        var domain = "";
        long version = 0;
        while (!reader.End)
        {
            if (!reader.TryRead())
            {
                return false;
            }

            if (reader.Field == 1 && reader.WireType == ProtobufReader.LengthDelimited)
            {
                domain = Utf8(reader.Payload);
            }
            else if (reader.Field == 2 && reader.WireType == ProtobufReader.Varint)
            {
                version = (long)reader.Value;
            }
        }

        // "ai.onnx" is the default domain spelled out.
        if (domain is "" or "ai.onnx")
        {
            Opset = version;
        }

        return true;
    }

    private bool TryReadGraph(ReadOnlySpan<byte> message)
    {
        var reader = new ProtobufReader(message);
        while (!reader.End)
        {
            if (!reader.TryRead())
            {
                return false;
            }

            if (reader.WireType != ProtobufReader.LengthDelimited)
            {
                continue;
            }

            switch (reader.Field)
            {
                case 1 when !TryReadNode(reader.Payload):
                    return false;
                case 5:
                    AddName(reader.Payload, 8, name => _initializers.Add(name));
                    break;
                case 11:
                    AddName(reader.Payload, 1, _inputs.Add);
                    break;
                case 12:
                    AddName(reader.Payload, 1, _outputs.Add);
                    break;
            }
        }

        return true;
    }

    private bool TryReadNode(ReadOnlySpan<byte> message)
    {
        var reader = new ProtobufReader(message);
        List<string> inputs = [], outputs = [];
        string name = "", op = "";
        while (!reader.End)
        {
            if (!reader.TryRead())
            {
                return false;
            }

            if (reader.WireType != ProtobufReader.LengthDelimited)
            {
                continue;
            }

            switch (reader.Field)
            {
                case 1:
                    inputs.Add(Utf8(reader.Payload));
                    break;
                case 2:
                    outputs.Add(Utf8(reader.Payload));
                    break;
                case 3:
                    name = Utf8(reader.Payload);
                    break;
                case 4:
                    op = Utf8(reader.Payload);
                    break;
            }
        }

        _nodes.Add(new OnnxNode(name, op, inputs, outputs));
        return true;
    }

    /// <summary>
    /// Adds a value info's or initializer's name (field <paramref name="nameField"/>; last one wins, as in protobuf). A
    /// malformed one is left out: the graph's nodes decide, and ONNX Runtime has the last word on the file.
    /// </summary>
    private static void AddName(ReadOnlySpan<byte> message, int nameField, Action<string> add)
    {
        var reader = new ProtobufReader(message);
        string? name = null;
        while (!reader.End)
        {
            if (!reader.TryRead())
            {
                return;
            }

            if (reader.Field == nameField && reader.WireType == ProtobufReader.LengthDelimited)
            {
                name = Utf8(reader.Payload);
            }
        }

        if (name is not null)
        {
            add(name);
        }
    }
}

/// <summary>One node of an <see cref="OnnxGraph"/>.</summary>
public sealed record OnnxNode(string Name, string OpType, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);
