namespace Edge.Updates;

using System.Text.Json;
using Edge.Shared.Models;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;

/// <summary>A version a device may already hold, to build a delta from.</summary>
public sealed record BaseModel(string Version, byte[] Bytes);

public sealed record BuiltPayload(PackagePayload Payload, byte[] Bytes);

public sealed record BuiltPackage(PackageManifest Manifest, SignedPackage Package, IReadOnlyList<BuiltPayload> Payloads);

/// <summary>The cloud's packager: one full payload, a delta from each base when it is smaller, signed manifest.</summary>
public static class PackageBuilder
{
    /// <summary>The file name the embedded <see cref="ModelManifest"/> carries; devices store the model under it.</summary>
    public const string ModelFileName = "model.onnx";

    /// <summary>The cloud's default <c>Rollouts:BlockSizeBytes</c>.</summary>
    public const int DefaultBlockSize = 64 * 1024;

    /// <param name="blockSize">The block size the per-block hashes are computed over (the one the cloud serves).</param>
    public static BuiltPackage Build(
        ModelManifest model,
        byte[] modelBytes,
        IEnumerable<BaseModel> bases,
        string deviceClass,
        SigningKey key,
        DateTimeOffset createdAt,
        int level = 19,
        int blockSize = DefaultBlockSize)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(modelBytes);
        ArgumentNullException.ThrowIfNull(bases);
        ArgumentException.ThrowIfNullOrEmpty(deviceClass);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, BlockFrame.MinBlockSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(blockSize, BlockFrame.MaxBlockSize);
        if (modelBytes.Length == 0)
        {
            throw new ArgumentException("The model file is empty.", nameof(modelBytes));
        }

        var modelSha = Sha256Hex.Of(modelBytes);
        var full = ModelPayloads.CompressFull(modelBytes, level);
        var payloads = new List<BuiltPayload> { new(Describe(full, PayloadKind.Full, null, null, blockSize), full) };
        var seen = new HashSet<string>(StringComparer.Ordinal) { modelSha };
        foreach (var baseModel in bases)
        {
            var baseSha = Sha256Hex.Of(baseModel.Bytes);
            if (baseModel.Bytes.Length == 0 || !seen.Add(baseSha))
            {
                continue;
            }

            var delta = ModelPayloads.EncodeDelta(baseModel.Bytes, modelBytes, level);
            if (delta.Length < full.Length)
            {
                payloads.Add(new(Describe(delta, PayloadKind.Delta, baseModel.Version, baseSha, blockSize), delta));
            }
        }

        var manifest = new PackageManifest
        {
            Name = model.Name,
            Version = model.Version,
            DeviceClass = deviceClass,
            ModelSha256 = modelSha,
            ModelSize = modelBytes.Length,
            Model = Clone(model, modelSha, modelBytes.Length),
            Payloads = [.. payloads.Select(p => p.Payload)],
            CreatedAt = createdAt,
        };

        return new BuiltPackage(manifest, key.Sign(manifest), payloads);
    }

    private static PackagePayload Describe(byte[] bytes, PayloadKind kind, string? baseVersion, string? baseSha256, int blockSize) => new()
    {
        Sha256 = Sha256Hex.Of(bytes),
        Size = bytes.Length,
        Kind = kind,
        BaseVersion = baseVersion,
        BaseSha256 = baseSha256,
        BlockSize = blockSize,
        BlockSha256 = BlockHashes(bytes, blockSize),
    };

    /// <summary>The SHA-256 of each <paramref name="blockSize"/> block of <paramref name="bytes"/>, as devices check them.</summary>
    public static string[] BlockHashes(ReadOnlySpan<byte> bytes, int blockSize)
    {
        var hashes = new string[BlockFrame.BlockCount(bytes.Length, blockSize)];
        for (var i = 0; i < hashes.Length; i++)
        {
            var offset = i * blockSize;
            hashes[i] = Sha256Hex.Of(bytes.Slice(offset, Math.Min(blockSize, bytes.Length - offset)));
        }

        return hashes;
    }

    // A deep copy through the contract's own serializer, so the caller's manifest is never mutated.
    private static ModelManifest Clone(ModelManifest model, string sha256, long size)
    {
        var copy = JsonSerializer.Deserialize(
            JsonSerializer.SerializeToUtf8Bytes(model, EdgeJsonContext.Default.ModelManifest), EdgeJsonContext.Default.ModelManifest)!;
        copy.File = ModelFileName;
        copy.Sha256 = sha256;
        copy.SizeBytes = size;
        return copy;
    }
}
