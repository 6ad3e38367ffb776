namespace Edge.ModelTools.Quantization;

using Edge.ModelTools.Onnx;
using global::Onnx;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// Brings real exports into the shape the planner expects, before planning: weights held in <c>Constant</c>
/// nodes become initializers, constant subgraphs are folded and BatchNormalization is folded into the Conv
/// before it (all by ONNX Runtime's basic-level optimizer, which every ORT build has and which writes only
/// standard ONNX ops), then opsets 9–12 are upgraded to 13 (<see cref="OpsetUpgrader"/>).
/// Graph input and output names are unchanged, so the FP32 and INT8 models stay interchangeable.
/// </summary>
internal static class QuantizationPreprocessor
{
    /// <summary>IR 7 goes with opset 13; 4 is the first that lets initializers stay out of the graph inputs.</summary>
    private const long IrVersion = 7;

    public static ModelProto Prepare(ModelProto model, string source)
    {
        ArgumentNullException.ThrowIfNull(model);
        var opset = OnnxFile.DefaultOpset(model);
        if (opset < OpsetUpgrader.OldestOpset)
        {
            throw new QuantizationException(
                $"'{source}' uses opset {opset}; INT8 quantization upgrades opsets {OpsetUpgrader.OldestOpset}–12 to {OnnxFile.MinimumOpset} but not older ones: " +
                $"re-export the model at opset {OnnxFile.MinimumOpset} or later, or publish it as FP32 (--quantize none)");
        }

        var prepared = Optimize(Unshadowed(model), source);
        ConstantsToInitializers(prepared.Graph);
        OpsetUpgrader.Upgrade(prepared, source);
        prepared.IrVersion = Math.Max(prepared.IrVersion, IrVersion);
        return prepared;
    }

    /// <summary>
    /// Initializers also listed as graph inputs (IR &lt; 4 exports, keep_initializers_as_inputs) are overridable
    /// at run time, so ONNX Runtime neither folds them nor fuses BatchNormalization into them: unlist them.
    /// </summary>
    private static ModelProto Unshadowed(ModelProto model)
    {
        var copy = model.Clone();
        var initializers = copy.Graph.Initializer.Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var input in copy.Graph.Input.Where(i => initializers.Contains(i.Name)).ToList())
        {
            copy.Graph.Input.Remove(input);
        }

        copy.IrVersion = Math.Max(copy.IrVersion, IrVersion);
        return copy;
    }

    /// <summary>
    /// ORT_ENABLE_BASIC on the CPU provider: Constant nodes become initializers at load, then constant folding,
    /// Dropout/Identity elimination and ConvBNFusion/ConvMulFusion/ConvAddFusion (all level 1, ONNX-domain only;
    /// the extended level would write com.microsoft ops such as FusedConv that QDQ cannot wrap).
    /// </summary>
    private static ModelProto Optimize(ModelProto model, string source)
    {
        var path = Path.Combine(Path.GetTempPath(), $"edge-preprocessed-{Guid.NewGuid():N}.onnx");
        try
        {
            using (var options = new SessionOptions
            {
                GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_BASIC,
                OptimizedModelFilePath = path,
                LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR,
            })
            using (new InferenceSession(OnnxFile.ToBytes(model), options))
            {
            }

            var optimized = OnnxFile.Parse(File.ReadAllBytes(path), "ONNX Runtime's optimized copy of " + source);
            var foreign = optimized.Graph.Node.Where(n => !IsDefaultDomain(n.Domain)).Select(n => n.OpType)
                .Except(model.Graph.Node.Where(n => !IsDefaultDomain(n.Domain)).Select(n => n.OpType)).ToList();
            if (foreign.Count > 0)
            {
                throw new QuantizationException($"ONNX Runtime's basic optimizer wrote non-standard ops ({string.Join(", ", foreign)}) into '{source}'");
            }

            return optimized;
        }
        catch (OnnxRuntimeException e)
        {
            throw new QuantizationException($"ONNX Runtime cannot load '{source}' to prepare it for quantization: {e.Message}", e);
        }
        finally
        {
            File.Delete(path);
        }
    }

    /// <summary>ORT converts Constant nodes at load; this catches any it keeps (a Constant producing a graph output).</summary>
    internal static void ConstantsToInitializers(GraphProto graph)
    {
        var outputs = graph.Output.Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant" && IsDefaultDomain(n.Domain) && !outputs.Contains(n.Output[0])).ToList())
        {
            var value = node.Attribute.SingleOrDefault(a => a.Name == "value")?.T;
            if (value is null)
            {
                continue; // value_float(s)/value_int(s) forms: ORT has already folded those; leave any other as a node
            }

            var tensor = value.Clone();
            tensor.Name = node.Output[0];
            graph.Initializer.Add(tensor);
            graph.Node.Remove(node);
        }
    }

    internal static bool IsDefaultDomain(string domain) => string.IsNullOrEmpty(domain) || domain == "ai.onnx";
}
