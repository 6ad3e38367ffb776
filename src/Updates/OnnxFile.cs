namespace Edge.Updates;

/// <summary>A cheap structural check without ONNX Runtime: a well-formed ModelProto with a graph.</summary>
public static class OnnxFile
{
    public static bool LooksLikeOnnx(ReadOnlySpan<byte> bytes) => throw new NotImplementedException();
}
