namespace Edge.ModelTools.Inspection;

using Edge.Shared.Models;

/// <summary>One graph input or output as ONNX Runtime reads it: <c>-1</c> for a dynamic dimension, named in <see cref="DimNames"/>.</summary>
public sealed record TensorDescription(string Name, string ElementType, IReadOnlyList<long> Shape, IReadOnlyList<string> DimNames)
{
    public override string ToString() =>
        $"{ElementType}[{string.Join(", ", Shape.Select((d, i) => d >= 0 ? d.ToString(System.Globalization.CultureInfo.InvariantCulture) : DimNames[i] is { Length: > 0 } n ? n : "?"))}]";
}

/// <summary>What <see cref="ModelInspector"/> read from a model, and the draft manifest it wrote from it.</summary>
/// <param name="Inferred">Fields of the draft read from the graph, with where from.</param>
/// <param name="NotInferred">Fields the graph cannot tell, each with what to check or which flag supplies it.</param>
public sealed record InspectedModel(
    long Opset,
    string? Producer,
    IReadOnlyList<TensorDescription> Inputs,
    IReadOnlyList<TensorDescription> Outputs,
    IReadOnlyList<KeyValuePair<string, int>> OpCounts,
    IReadOnlyDictionary<string, string> Metadata,
    string? OutputNode,
    ModelManifest Draft,
    IReadOnlyList<string> Inferred,
    IReadOnlyList<string> NotInferred);
