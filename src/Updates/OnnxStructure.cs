namespace Edge.Updates;

/// <summary>A cheap structural check without ONNX Runtime: a well-formed ModelProto with a graph.</summary>
public static class OnnxStructure
{
    /// <summary>
    /// True when every top-level field of the ModelProto, the graph's fields and its initializers' fields parse, and the
    /// file has an ir_version and a graph. ONNX Runtime still has the last word (the agent's self-test loads it).
    /// </summary>
    public static bool LooksLikeOnnx(ReadOnlySpan<byte> bytes) => OnnxWalker.TryWalk(bytes, initializers: null);
}
