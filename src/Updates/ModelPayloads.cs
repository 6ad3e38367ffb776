namespace Edge.Updates;

using Edge.Shared.Updates;

/// <summary>Builds and opens payloads: zstd of the whole ONNX file, or zstd of a tensor-aware delta (docs/updates.md).</summary>
public static class ModelPayloads
{
    public static byte[] CompressFull(ReadOnlySpan<byte> model, int level = 19) => throw new NotImplementedException();

    /// <summary>
    /// Initializers present in both files with the same name and raw size are stored as the byte-wise difference
    /// (mod 256) from the base; everything else as is. Mostly zeros after fine-tuning an INT8 model, so zstd shrinks it far.
    /// </summary>
    public static byte[] EncodeDelta(ReadOnlySpan<byte> baseModel, ReadOnlySpan<byte> model, int level = 19) => throw new NotImplementedException();

    /// <summary>
    /// Decompresses (never past <paramref name="declaredModelSize"/>), applies a delta to <paramref name="baseModel"/> when the
    /// payload is one, and checks the result's SHA-256 and that it is an ONNX model. Throws <see cref="PackageRejectedException"/>:
    /// CorruptPayload, DecompressedSizeExceeded, BaseMissing, ModelHashMismatch or NotOnnx. Call it only after the payload's
    /// own hash verified.
    /// </summary>
    public static byte[] Rebuild(
        PackagePayload payload, ReadOnlySpan<byte> payloadBytes, ReadOnlySpan<byte> baseModel, long declaredModelSize, string expectedModelSha256) =>
        throw new NotImplementedException();
}
