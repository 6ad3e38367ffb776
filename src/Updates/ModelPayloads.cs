namespace Edge.Updates;

using Edge.Shared.Updates;

/// <summary>Builds and opens payloads: zstd of the whole ONNX file, or zstd of a tensor-aware delta (docs/updates.md).</summary>
/// <remarks>
/// A delta payload is one zstd frame of the residual (the target with matching tensors replaced by their byte-wise
/// difference from the base), compressed with the whole base file loaded as a raw-content dictionary so unchanged graph
/// bytes cost almost nothing. A target or base that is not ONNX simply has no matching tensors: the delta degrades to
/// zstd of the target against the base dictionary (like <c>zstd --patch-from</c>) and still rebuilds exactly.
/// </remarks>
public static class ModelPayloads
{
    public static byte[] CompressFull(ReadOnlySpan<byte> model, int level = 19) => Zstd.Compress(model, [], level);

    /// <summary>
    /// Initializers present in both files with the same name and raw size are stored as the byte-wise difference
    /// (mod 256) from the base; everything else as is. Mostly zeros after fine-tuning an INT8 model, so zstd shrinks it far.
    /// </summary>
    public static byte[] EncodeDelta(ReadOnlySpan<byte> baseModel, ReadOnlySpan<byte> model, int level = 19)
    {
        var residual = model.ToArray();
        TensorDelta.Subtract(residual, baseModel);
        return Zstd.Compress(residual, baseModel, level);
    }

    /// <summary>
    /// Decompresses (never past <paramref name="declaredModelSize"/>), applies a delta to <paramref name="baseModel"/> when the
    /// payload is one, and checks the result's SHA-256 and that it is an ONNX model. Throws <see cref="PackageRejectedException"/>:
    /// CorruptPayload, DecompressedSizeExceeded, BaseMissing, ModelHashMismatch or NotOnnx. Call it only after the payload's
    /// own hash verified.
    /// </summary>
    /// <remarks>
    /// The hash is checked before the ONNX structure: a file that differs from the signed one is reported as such
    /// (ModelHashMismatch), and NotOnnx is left for the case where the signer really shipped something that is not a model.
    /// </remarks>
    public static byte[] Rebuild(
        PackagePayload payload, ReadOnlySpan<byte> payloadBytes, ReadOnlySpan<byte> baseModel, long declaredModelSize, string expectedModelSha256)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(expectedModelSha256);
        if (declaredModelSize <= 0 || declaredModelSize > Array.MaxLength)
        {
            throw new PackageRejectedException(
                UpdateFailure.TooLarge, $"The declared model size {declaredModelSize} is not between 1 and {Array.MaxLength} bytes.");
        }

        var isDelta = payload.Kind == PayloadKind.Delta;
        if (isDelta)
        {
            CheckBase(payload, baseModel);
        }

        var model = Zstd.Decompress(payloadBytes, isDelta ? baseModel : [], (int)declaredModelSize);
        if (model.Length != declaredModelSize)
        {
            throw new PackageRejectedException(
                UpdateFailure.ModelHashMismatch,
                $"The payload decompresses to {model.Length} bytes, but the manifest declares a {declaredModelSize}-byte model.");
        }

        if (isDelta)
        {
            TensorDelta.Add(model, baseModel);
        }

        var actual = Sha256Hex.Of(model);
        if (!string.Equals(actual, expectedModelSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new PackageRejectedException(
                UpdateFailure.ModelHashMismatch, $"The rebuilt model's SHA-256 is {actual}, but the manifest signs {expectedModelSha256}.");
        }

        if (!OnnxStructure.LooksLikeOnnx(model))
        {
            throw new PackageRejectedException(
                UpdateFailure.NotOnnx, "The rebuilt file matches the signed hash but is not an ONNX model (no well-formed ModelProto with a graph).");
        }

        return model;
    }

    private static void CheckBase(PackagePayload payload, ReadOnlySpan<byte> baseModel)
    {
        if (baseModel.IsEmpty)
        {
            throw new PackageRejectedException(
                UpdateFailure.BaseMissing, $"The delta payload needs base version {payload.BaseVersion} ({payload.BaseSha256}), which is not installed.");
        }

        var actual = Sha256Hex.Of(baseModel);
        if (!string.Equals(actual, payload.BaseSha256, StringComparison.OrdinalIgnoreCase))
        {
            throw new PackageRejectedException(
                UpdateFailure.BaseMissing,
                $"The delta payload applies to base {payload.BaseSha256} (version {payload.BaseVersion}), but the installed file's SHA-256 is {actual}.");
        }
    }
}
