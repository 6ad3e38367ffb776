namespace Edge.Agent.Serving;

using Edge.Inference;

/// <summary>A loaded model together with how its local runs went while it served: the health window compares two of these.</summary>
internal sealed class ServedModel(OnnxModel model)
{
    public OnnxModel Model { get; } = model;

    public LocalRunStats Stats { get; } = new();
}
