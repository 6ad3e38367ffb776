namespace Edge.ModelTools.Quantization;

using Edge.ModelTools.Onnx;
using global::Onnx;

/// <summary>
/// Upgrades a default-domain opset 9–12 graph to opset 13 (what per-channel QDQ needs), on the protos: the ops
/// whose signature changed move their attributes to inputs, the rest must be on a list of ops known to mean the
/// same at 13. Anything else is refused by name rather than guessed at.
/// </summary>
internal static class OpsetUpgrader
{
    public const long OldestOpset = 9;

    /// <summary>Ops whose opset 9–12 forms read the same at 13 (later versions only added types or optional parts).</summary>
    private static readonly HashSet<string> Unchanged =
    [
        "Abs", "Add", "And", "ArgMax", "ArgMin", "AveragePool", "Cast", "Ceil", "Concat", "Constant", "ConstantOfShape", "Conv",
        "ConvTranspose", "DepthToSpace", "Div", "Elu", "Equal", "Erf", "Exp", "Expand", "Flatten", "Floor", "Gather", "GatherElements",
        "Gemm", "GlobalAveragePool", "GlobalMaxPool", "Greater", "HardSigmoid", "Identity", "InstanceNormalization", "LeakyRelu", "Less",
        "Log", "LRN", "MatMul", "Max", "MaxPool", "Mean", "Min", "Mul", "Neg", "Not", "Or", "Pow", "PRelu", "Reciprocal", "ReduceL2",
        "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "Relu", "Reshape", "Resize", "Selu", "Shape", "Sigmoid", "Sign", "Size",
        "Softplus", "Softsign", "SpaceToDepth", "Sqrt", "Sub", "Sum", "Tanh", "Tile", "Transpose", "Where", "Range", "NonZero",
    ];

    public static void Upgrade(ModelProto model, string source)
    {
        var opset = OnnxFile.DefaultOpset(model);
        if (opset >= OnnxFile.MinimumOpset)
        {
            return;
        }

        var graph = model.Graph;
        var probed = ShapeProbe.Measure(model, graph.Node
            .Where(n => n.OpType is "Softmax" or "LogSoftmax" && QuantizationPreprocessor.IsDefaultDomain(n.Domain)).Select(n => n.Input[0]).ToList());
        foreach (var node in graph.Node.Where(n => QuantizationPreprocessor.IsDefaultDomain(n.Domain)).ToList())
        {
            var upgrade = new NodeUpgrade(graph, node, opset, source, probed);
            switch (node.OpType)
            {
                // Resize took (X, scales) until opset 11; it sits in the unchanged list for 11 and 12.
                case "Upsample":
                case "Resize" when opset < 11:
                    upgrade.ToResize13();
                    break;
                case var op when Unchanged.Contains(op):
                    break;
                case "Clip" when opset < 11:
                    upgrade.FloatAttributesToInputs("min", "max");
                    break;
                case "Clip":
                    break;
                case "Squeeze" or "Unsqueeze" or "ReduceSum":
                    upgrade.IntsAttributeToInput("axes", 1);
                    break;
                case "Split":
                    upgrade.IntsAttributeToInput("split", 1);
                    break;
                case "Slice" when opset < 10:
                    upgrade.IntsAttributesToInputs("starts", "ends", "axes");
                    break;
                case "Slice":
                    break;
                case "Pad" when opset < 11:
                    upgrade.PadAttributesToInputs();
                    break;
                case "Pad":
                    break;
                case "Softmax" or "LogSoftmax":
                    upgrade.KeepLastAxis();
                    break;
                case "Dropout":
                    upgrade.ToIdentity();
                    break;
                case "BatchNormalization":
                    upgrade.DropSpatial();
                    break;
                default:
                    throw upgrade.Refusal("this quantizer does not know how it changed by opset 13");
            }
        }

        foreach (var import in model.OpsetImport.Where(o => QuantizationPreprocessor.IsDefaultDomain(o.Domain)))
        {
            import.Version = OnnxFile.MinimumOpset;
        }
    }

    /// <summary>One node's rewrite; new constant inputs are initializers named after the node.</summary>
    private sealed class NodeUpgrade(GraphProto graph, NodeProto node, long opset, string source, Dictionary<string, long[]> probed)
    {
        private string Prefix => QdqPlan.NodeName(node) + "_";

        public QuantizationException Refusal(string why) => new(
            $"cannot upgrade {node.OpType} node '{QdqPlan.NodeName(node)}' of '{source}' from opset {opset} to {OnnxFile.MinimumOpset}: {why}; " +
            $"re-export the model at opset {OnnxFile.MinimumOpset} or publish it as FP32 (--quantize none)");

        /// <summary>Clip-6: min/max attributes became optional inputs at 11 ("" leaves one out).</summary>
        public void FloatAttributesToInputs(params string[] names)
        {
            var values = names.Select(n => Take(n)?.F).ToList();
            var last = values.FindLastIndex(v => v is not null);
            for (var i = 0; i <= last; i++)
            {
                node.Input.Add(values[i] is { } v ? Initializer(Tensors.Floats(Prefix + names[i], [v])) : "");
            }
        }

        /// <summary>Squeeze/Unsqueeze/ReduceSum axes and Split's split: attribute → int64 input <paramref name="position"/> at 13.</summary>
        public void IntsAttributeToInput(string name, int position)
        {
            if (Take(name) is not { } attribute)
            {
                return; // absent means the default (all axes, equal parts), which the absent input means too
            }

            while (node.Input.Count < position)
            {
                node.Input.Add("");
            }

            node.Input.Insert(position, Int64s(name, attribute.Ints));
        }

        /// <summary>Slice-1: starts/ends/axes attributes → inputs 1–3 at 10.</summary>
        public void IntsAttributesToInputs(params string[] names)
        {
            foreach (var name in names)
            {
                if (Take(name) is { } attribute)
                {
                    node.Input.Add(Int64s(name, attribute.Ints));
                }
            }
        }

        /// <summary>Pad-2: pads and value attributes → pads (int64) and constant_value inputs at 11; mode stays.</summary>
        public void PadAttributesToInputs()
        {
            var pads = Take("pads") ?? throw Refusal("it has no pads");
            var value = Take("value")?.F ?? 0f;
            node.Input.Add(Int64s("pads", pads.Ints));
            node.Input.Add(Initializer(Tensors.Floats(Prefix + "value", [value])));
        }

        /// <summary>
        /// Before 13 Softmax flattened everything from <c>axis</c> (default 1) into one row; from 13 it normalizes along
        /// <c>axis</c> alone (default −1). The two agree when the axis is the last (or every later dimension is 1).
        /// </summary>
        public void KeepLastAxis()
        {
            var rank = Rank(node.Input[0]) ?? throw Refusal("the rank of its input is unknown, so its axis cannot be checked");
            var attribute = node.Attribute.FirstOrDefault(a => a.Name == "axis");
            var axis = attribute?.I ?? 1;
            var normalized = axis < 0 ? axis + rank : axis;
            var later = Dims(node.Input[0])?.Skip((int)normalized + 1).ToList();
            if (normalized != rank - 1 && (later is null || later.Any(d => d != 1)))
            {
                throw Refusal($"axis {axis} of a rank-{rank} input is not the last axis, and opset 13 changed what a {node.OpType} on an inner axis computes");
            }

            if (attribute is null)
            {
                node.Attribute.Add(new AttributeProto { Name = "axis", Type = AttributeProto.Types.AttributeType.Int, I = axis });
            }
        }

        /// <summary>Inference-mode Dropout is the identity; its mask output (if read) cannot be replaced.</summary>
        public void ToIdentity()
        {
            if (node.Output.Count > 1 && graph.Node.Any(n => n.Input.Contains(node.Output[1])))
            {
                throw Refusal("its mask output is read");
            }

            while (node.Output.Count > 1)
            {
                node.Output.RemoveAt(1);
            }

            while (node.Input.Count > 1)
            {
                node.Input.RemoveAt(1);
            }

            node.OpType = "Identity";
            node.Attribute.Clear();
        }

        /// <summary>BatchNormalization-9 dropped <c>spatial</c>; exporters still write spatial = 1, which is the only meaning left.</summary>
        public void DropSpatial()
        {
            if (Take("spatial") is { I: 0 })
            {
                throw Refusal("spatial = 0 (per-activation statistics) has no opset 13 form");
            }
        }

        /// <summary>
        /// Upsample-9 and Resize-10 (X, scales) scale with asymmetric coordinates and, upsampling, floor for nearest;
        /// Resize-13 says so explicitly and takes an (empty) roi input between X and scales.
        /// </summary>
        public void ToResize13()
        {
            var mode = node.Attribute.FirstOrDefault(a => a.Name == "mode")?.S.ToStringUtf8() ?? "nearest";
            if (mode == "nearest" && node.Input.Count > 1 && graph.Initializer.FirstOrDefault(t => t.Name == node.Input[1]) is { } scales
                && Tensors.ReadFloats(scales).Any(s => s < 1))
            {
                throw Refusal("nearest downsampling rounds differently at opset 13");
            }

            node.OpType = "Resize";
            node.Input.Insert(1, "");
            node.Attribute.Add(new AttributeProto { Name = "coordinate_transformation_mode", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("asymmetric") });
            if (mode == "nearest")
            {
                node.Attribute.Add(new AttributeProto { Name = "nearest_mode", Type = AttributeProto.Types.AttributeType.String, S = Google.Protobuf.ByteString.CopyFromUtf8("floor") });
            }
        }

        private AttributeProto? Take(string name)
        {
            var attribute = node.Attribute.FirstOrDefault(a => a.Name == name);
            if (attribute is not null)
            {
                node.Attribute.Remove(attribute);
            }

            return attribute;
        }

        private string Int64s(string name, Google.Protobuf.Collections.RepeatedField<long> values) => Initializer(Tensors.Int64s(Prefix + name, values.ToArray(), values.Count));

        private string Initializer(TensorProto tensor)
        {
            graph.Initializer.Add(tensor);
            return tensor.Name;
        }

        private int? Rank(string tensor) => Dims(tensor)?.Count;

        /// <summary>Known dimensions (0 where symbolic), from the graph's inputs, outputs or value_info, else measured.</summary>
        private List<long>? Dims(string tensor) =>
            Type(tensor)?.Shape?.Dim.Select(d => d.DimValue).ToList() ?? (probed.TryGetValue(tensor, out var dims) ? [.. dims] : null);

        private TypeProto.Types.Tensor? Type(string tensor) =>
            graph.ValueInfo.Concat(graph.Input).Concat(graph.Output).FirstOrDefault(v => v.Name == tensor && v.Type?.TensorType?.Shape is not null)?.Type.TensorType;
    }
}
