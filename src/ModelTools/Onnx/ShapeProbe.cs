namespace Edge.ModelTools.Onnx;

using global::Onnx;
using Microsoft.ML.OnnxRuntime;

/// <summary>
/// The shapes of intermediate tensors, measured by running the model once on zeros: ORT's saved models carry no
/// value_info, and a rank is all the opset upgrade needs to judge a Softmax axis. Run with symbolic dimensions at 1
/// and at 2, a dimension that differs between the two is reported as 0 (unknown), as value_info would.
/// </summary>
internal static class ShapeProbe
{
    /// <summary>Tensor → dimensions; empty when the model has not exactly one float input with known non-batch dims.</summary>
    public static Dictionary<string, long[]> Measure(ModelProto model, IReadOnlyCollection<string> tensors)
    {
        var graph = model.Graph;
        var inputs = graph.Input.Where(i => graph.Initializer.All(t => t.Name != i.Name)).ToList();
        var type = inputs.Count == 1 ? inputs[0].Type?.TensorType : null;
        if (tensors.Count == 0 || type?.Shape is null || type.ElemType != (int)TensorProto.Types.DataType.Float
            || type.Shape.Dim.Skip(1).Any(d => d.DimValue <= 0))
        {
            return new Dictionary<string, long[]>(StringComparer.Ordinal);
        }

        var bytes = OnnxFile.ToBytes(OnnxFile.WithOutputs(model, tensors));
        var one = Run(bytes, inputs[0].Name, type, 1, tensors);
        var two = Run(bytes, inputs[0].Name, type, 2, tensors);
        return one.ToDictionary(
            kv => kv.Key,
            kv => kv.Value.Zip(two[kv.Key]).Select(p => p.First == p.Second ? p.First : 0).ToArray(),
            StringComparer.Ordinal);
    }

    private static Dictionary<string, long[]> Run(byte[] model, string input, TypeProto.Types.Tensor type, long symbolic, IReadOnlyCollection<string> outputs)
    {
        long[] shape = [.. type.Shape.Dim.Select(d => d.DimValue > 0 ? d.DimValue : symbolic)];
        using var options = new SessionOptions { GraphOptimizationLevel = GraphOptimizationLevel.ORT_DISABLE_ALL, LogSeverityLevel = OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR };
        using var session = new InferenceSession(model, options);
        using var value = OrtValue.CreateTensorValueFromMemory(new float[shape.Aggregate(1L, (a, b) => a * b)], shape);
        using var runOptions = new RunOptions();
        var names = outputs.ToList();
        using var results = session.Run(runOptions, [input], [value], names);
        return names.Select((n, i) => (n, results[i].GetTensorTypeAndShape().Shape)).ToDictionary(p => p.n, p => p.Shape, StringComparer.Ordinal);
    }
}
