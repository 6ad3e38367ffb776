namespace Edge.Inference;

using System.Text;

/// <summary>
/// What an ONNX file says about itself, read straight from the protobuf wire format (no ONNX dependency): IR version,
/// producer, opsets, the graph's inputs, outputs and nodes. Enough to tell what a model's output holds (a final
/// Softmax means probabilities) and to describe a model a user brings.
/// </summary>
public sealed class OnnxGraph
{
    // ModelProto: ir_version 1, producer_name 2, producer_version 3, graph 7, opset_import 8.
    // GraphProto: node 1, name 2, input 11, output 12. NodeProto: input 1, output 2, name 3, op_type 4, domain 7.
    // OperatorSetIdProto: domain 1, version 2. ValueInfoProto: name 1.
    private const int Varint = 0;
    private const int Fixed64 = 1;
    private const int LengthDelimited = 2;
    private const int Fixed32 = 5;

    private readonly Dictionary<string, OnnxNode> _producers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _opsets = new(StringComparer.Ordinal);
    private readonly List<string> _inputs = [];
    private readonly List<string> _outputs = [];
    private readonly List<OnnxNode> _nodes = [];
    private readonly HashSet<string> _initializers = new(StringComparer.Ordinal);

    private OnnxGraph()
    {
    }

    public long IrVersion { get; private set; }

    public string Producer { get; private set; } = "";

    /// <summary>Opset per domain; the default ONNX domain is the empty string.</summary>
    public IReadOnlyDictionary<string, long> Opsets => _opsets;

    /// <summary>The default-domain opset (0 when the file declares none).</summary>
    public long Opset => _opsets.GetValueOrDefault("");

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

    /// <summary>The node that computes <paramref name="value"/>, or null for a graph input, an initializer or an unknown name.</summary>
    public OnnxNode? ProducerOf(string value) => _producers.GetValueOrDefault(value);

    /// <summary>
    /// The last node that changes the values of <paramref name="output"/>: shape-only ops in front of it (Identity,
    /// Reshape, Flatten, Squeeze, Unsqueeze) are looked through, so a Softmax followed by a Reshape still counts.
    /// </summary>
    public OnnxNode? LastComputingNode(string output)
    {
        var node = ProducerOf(output);
        for (var hops = 0; node is not null && hops < 64 && IsShapeOnly(node.OpType) && node.Inputs.Count > 0; hops++)
        {
            node = ProducerOf(node.Inputs[0]);
        }

        return node;
    }

    /// <summary>How many nodes of each op type, most frequent first.</summary>
    public IReadOnlyList<KeyValuePair<string, int>> OpCounts() =>
        [.. _nodes.GroupBy(n => n.OpType, StringComparer.Ordinal)
            .Select(g => new KeyValuePair<string, int>(g.Key, g.Count()))
            .OrderByDescending(p => p.Value)
            .ThenBy(p => p.Key, StringComparer.Ordinal)];

    private static bool IsShapeOnly(string op) => op is "Identity" or "Reshape" or "Flatten" or "Squeeze" or "Unsqueeze";

    private bool TryReadModel(ReadOnlySpan<byte> model)
    {
        var pos = 0;
        bool hasIr = false, hasGraph = false;
        while (pos < model.Length)
        {
            if (!TryReadField(model, ref pos, out var field, out var wire, out var value, out var start, out var length))
            {
                return false;
            }

            switch (field, wire)
            {
                case (1, Varint):
                    IrVersion = (long)value;
                    hasIr = true;
                    break;
                case (2, LengthDelimited):
                    Producer = Utf8(model.Slice(start, length));
                    break;
                case (7, LengthDelimited):
                    if (!TryReadGraph(model.Slice(start, length)))
                    {
                        return false;
                    }

                    hasGraph = true;
                    break;
                case (8, LengthDelimited):
                    if (!TryReadOpset(model.Slice(start, length)))
                    {
                        return false;
                    }

                    break;
            }
        }

        return hasIr && hasGraph;
    }

    private bool TryReadOpset(ReadOnlySpan<byte> span)
    {
        var pos = 0;
        var domain = "";
        long version = 0;
        while (pos < span.Length)
        {
            if (!TryReadField(span, ref pos, out var field, out var wire, out var value, out var start, out var length))
            {
                return false;
            }

            if (field == 1 && wire == LengthDelimited)
            {
                domain = Utf8(span.Slice(start, length));
            }
            else if (field == 2 && wire == Varint)
            {
                version = (long)value;
            }
        }

        // "ai.onnx" is the default domain spelled out.
        _opsets[domain == "ai.onnx" ? "" : domain] = version;
        return true;
    }

    private bool TryReadGraph(ReadOnlySpan<byte> span)
    {
        var pos = 0;
        while (pos < span.Length)
        {
            if (!TryReadField(span, ref pos, out var field, out var wire, out _, out var start, out var length))
            {
                return false;
            }

            if (wire != LengthDelimited)
            {
                continue;
            }

            var body = span.Slice(start, length);
            switch (field)
            {
                case 1:
                    if (!TryReadNode(body))
                    {
                        return false;
                    }

                    break;
                case 5:
                    if (TryReadString(body, 8, out var initializer))
                    {
                        _initializers.Add(initializer);
                    }

                    break;
                case 11:
                    if (TryReadString(body, 1, out var input))
                    {
                        _inputs.Add(input);
                    }

                    break;
                case 12:
                    if (TryReadString(body, 1, out var output))
                    {
                        _outputs.Add(output);
                    }

                    break;
            }
        }

        return true;
    }

    private bool TryReadNode(ReadOnlySpan<byte> span)
    {
        var pos = 0;
        List<string> inputs = [], outputs = [];
        string name = "", op = "", domain = "";
        while (pos < span.Length)
        {
            if (!TryReadField(span, ref pos, out var field, out var wire, out _, out var start, out var length))
            {
                return false;
            }

            if (wire != LengthDelimited)
            {
                continue;
            }

            var text = field is 1 or 2 or 3 or 4 or 7 ? Utf8(span.Slice(start, length)) : null;
            switch (field)
            {
                case 1:
                    inputs.Add(text!);
                    break;
                case 2:
                    outputs.Add(text!);
                    break;
                case 3:
                    name = text!;
                    break;
                case 4:
                    op = text!;
                    break;
                case 7:
                    domain = text!;
                    break;
            }
        }

        _nodes.Add(new OnnxNode(name, op, domain, inputs, outputs));
        return true;
    }

    /// <summary>The last string in field <paramref name="wanted"/> of a message (protobuf's last-one-wins).</summary>
    private static bool TryReadString(ReadOnlySpan<byte> span, int wanted, out string value)
    {
        value = "";
        var found = false;
        var pos = 0;
        while (pos < span.Length)
        {
            if (!TryReadField(span, ref pos, out var field, out var wire, out _, out var start, out var length))
            {
                return false;
            }

            if (field == wanted && wire == LengthDelimited)
            {
                value = Utf8(span.Slice(start, length));
                found = true;
            }
        }

        return found;
    }

    private static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);

    private static bool TryReadField(
        ReadOnlySpan<byte> span, ref int pos, out int field, out int wire, out ulong value, out int start, out int length)
    {
        field = wire = start = length = 0;
        value = 0;
        if (!TryReadVarint(span, ref pos, out var tag) || (tag >> 3) is 0 or > int.MaxValue)
        {
            return false;
        }

        field = (int)(tag >> 3);
        wire = (int)(tag & 7);
        switch (wire)
        {
            case Varint:
                return TryReadVarint(span, ref pos, out value);
            case Fixed64:
                return Advance(span, ref pos, 8);
            case Fixed32:
                return Advance(span, ref pos, 4);
            case LengthDelimited:
                if (!TryReadVarint(span, ref pos, out var size) || size > (ulong)(span.Length - pos))
                {
                    return false;
                }

                (start, length) = (pos, (int)size);
                pos += (int)size;
                return true;
            default:
                return false;
        }
    }

    private static bool Advance(ReadOnlySpan<byte> span, ref int pos, int count)
    {
        if (span.Length - pos < count)
        {
            return false;
        }

        pos += count;
        return true;
    }

    private static bool TryReadVarint(ReadOnlySpan<byte> span, ref int pos, out ulong value)
    {
        value = 0;
        for (var shift = 0; shift < 64 && pos < span.Length; shift += 7)
        {
            var b = span[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return true;
            }
        }

        return false;
    }
}

/// <summary>One node of an <see cref="OnnxGraph"/>.</summary>
public sealed record OnnxNode(string Name, string OpType, string Domain, IReadOnlyList<string> Inputs, IReadOnlyList<string> Outputs);
