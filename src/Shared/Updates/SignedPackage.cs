namespace Edge.Shared.Updates;

/// <summary>
/// A <see cref="PackageManifest"/> exactly as signed: the UTF-8 JSON bytes travel base64-encoded, so verifying never
/// depends on how a serializer orders or formats fields.
/// </summary>
public sealed class SignedPackage
{
    /// <summary>Base64 of the manifest's UTF-8 JSON bytes.</summary>
    public required string Manifest { get; set; }

    /// <summary>Which trusted key signed it (<c>KeyIds.Of(publicKey)</c>: hex of the first 8 bytes of the key's SHA-256).</summary>
    public required string KeyId { get; set; }

    /// <summary>Base64 Ed25519 signature over the manifest bytes.</summary>
    public required string Signature { get; set; }
}

/// <summary>Retained on <c>edge/v1/dev/{id}/model/desired</c>: the package the device should run. An empty retained message clears it.</summary>
public sealed class ModelDesired
{
    public required SignedPackage Package { get; set; }

    /// <summary>The rollout that asked for it, echoed in every status report.</summary>
    public string? RolloutId { get; set; }

    /// <summary>Bytes per block the cloud serves (4 KiB to 128 KiB); the last block may be shorter.</summary>
    public int BlockSize { get; set; }
}
