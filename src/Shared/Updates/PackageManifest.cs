namespace Edge.Shared.Updates;

using Edge.Shared.Models;

/// <summary>
/// What the cloud signs for one model version: the final ONNX file's hash and size, how to run it (the embedded
/// <see cref="ModelManifest"/>, with golden samples for the device's self-test), and the payloads that can carry it.
/// A device never loads a file whose hashes or signature do not verify (docs/updates.md).
/// </summary>
public sealed class PackageManifest
{
    public int SchemaVersion { get; set; } = 1;

    public required string Name { get; set; }

    public required string Version { get; set; }

    /// <summary>Which devices may run it, e.g. <c>linux-arm64</c>; <c>any</c> fits every device.</summary>
    public string DeviceClass { get; set; } = DeviceClasses.Any;

    /// <summary>Lowercase hex SHA-256 of the final ONNX file.</summary>
    public required string ModelSha256 { get; set; }

    /// <summary>Bytes of the final ONNX file; a device refuses a package declaring more than its limit, and stops decompressing at this size.</summary>
    public long ModelSize { get; set; }

    /// <summary>How to feed and read the model; its <c>File</c> is ignored (the device names the file itself) and its <c>Sha256</c> equals <see cref="ModelSha256"/>.</summary>
    public required ModelManifest Model { get; set; }

    /// <summary>The full payload first, then deltas from versions devices may already hold (only those smaller than the full one).</summary>
    public required PackagePayload[] Payloads { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>
    /// Signed consent to install this version on a device running a higher one (an operator's rollback). Without it a device
    /// refuses a lower version, so an old signed package replayed on the wire cannot bring back an old model.
    /// </summary>
    public bool AllowDowngrade { get; set; }
}

public static class DeviceClasses
{
    public const string Any = "any";
}

public enum PayloadKind
{
    /// <summary>The ONNX file compressed with zstd.</summary>
    Full,

    /// <summary>A tensor-aware difference against <see cref="PackagePayload.BaseSha256"/>, compressed with zstd.</summary>
    Delta,
}

/// <summary>One way to obtain the model: a zstd frame of the whole file, or of a delta against an installed version.</summary>
public sealed class PackagePayload
{
    /// <summary>Lowercase hex SHA-256 of the payload bytes; it also names the payload in block requests.</summary>
    public required string Sha256 { get; set; }

    public long Size { get; set; }

    public PayloadKind Kind { get; set; }

    /// <summary><c>zstd</c> (the only one so far).</summary>
    public string Compression { get; set; } = "zstd";

    /// <summary>Delta only: the version and file hash the delta applies to.</summary>
    public string? BaseVersion { get; set; }

    public string? BaseSha256 { get; set; }

    /// <summary>The block size <see cref="BlockSha256"/> was computed over; a device requests blocks of exactly this size.</summary>
    public int BlockSize { get; set; }

    /// <summary>
    /// Lowercase hex SHA-256 of each block of <see cref="BlockSize"/> bytes (the last one shorter), so a device checks every
    /// frame on receipt and drops a forged or damaged one instead of failing the whole payload. Null in packages signed by a
    /// cloud that predates block hashes: those are checked only as a whole.
    /// </summary>
    public string[]? BlockSha256 { get; set; }
}
