namespace Edge.Cloud.Rollouts;

using System.ComponentModel.DataAnnotations;
using Edge.Shared.Updates;

/// <summary>Section <c>Rollouts</c>: how packages are signed, stored and served (docs/updates.md).</summary>
internal sealed class RolloutOptions
{
    public const string Section = "Rollouts";

    /// <summary>
    /// The Ed25519 seed file (mode 0600). Empty means <c>$STATE_DIRECTORY/keys/signing.key</c> when systemd sets it, else
    /// <c>keys/signing.key</c> next to the database file: never the build output, and backed up and restored with the
    /// registry it signed. Created on first start only while no package has been signed (see <see cref="RotateSigningKey"/>).
    /// </summary>
    public string? SigningKeyPath { get; set; }

    /// <summary>
    /// Allows a new signing key while the key file is missing but packages were signed before (devices trusting only the
    /// old key then refuse every package until their <c>Updates:TrustedKeys</c> lists the new one). Set it for one start.
    /// </summary>
    public bool RotateSigningKey { get; set; }

    /// <summary>Where built packages live; empty means <c>{content root}/data/packages</c>.</summary>
    public string? PackagePath { get; set; }

    /// <summary>Bytes per block announced in <c>model/desired</c>; devices ask for blocks of this size.</summary>
    [Range(BlockFrame.MinBlockSize, BlockFrame.MaxBlockSize)]
    public int BlockSizeBytes { get; set; } = 64 * 1024;

    /// <summary>The device class packages are signed for (<c>any</c> fits every device).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$")]
    public string DeviceClass { get; set; } = DeviceClasses.Any;

    [Range(0.0, 100.0)]
    public double DefaultCanaryPercent { get; set; } = 10;

    [Range(0.0, 1.0)]
    public double DefaultMaxFailureShare { get; set; } = 0.2;

    /// <summary>A request naming more blocks is refused whole; the protocol's own cap is <see cref="BlockRequest.MaxBlocksPerRequest"/>.</summary>
    [Range(1, BlockRequest.MaxBlocksPerRequest)]
    public int MaxBlocksPerRequest { get; set; } = 64;

    /// <summary>
    /// Block requests waiting to be served; beyond it new ones are dropped. A device re-requests a dropped block only once
    /// no block has reached it for its <c>Updates:BlockTimeout</c>, so a full queue slows every download behind it.
    /// </summary>
    [Range(1, 100_000)]
    public int BlockQueueCapacity { get; set; } = 256;

    /// <summary>zstd level for payloads (19 is slow to build, once per version, and small on the wire).</summary>
    [Range(1, 22)]
    public int CompressionLevel { get; set; } = 19;

    /// <param name="databaseFile">The cloud database's file; null for an in-memory database.</param>
    public string ResolveSigningKeyPath(string contentRoot, string? databaseFile)
    {
        if (!string.IsNullOrWhiteSpace(SigningKeyPath))
        {
            return Path.GetFullPath(SigningKeyPath, contentRoot);
        }

        // systemd passes a colon-separated list when the unit names several directories; the first is ours.
        var state = Environment.GetEnvironmentVariable("STATE_DIRECTORY")?.Split(':', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
        var folder = !string.IsNullOrWhiteSpace(state) ? state
            : databaseFile is not null ? Path.GetDirectoryName(Path.GetFullPath(databaseFile, contentRoot))!
            : Path.Combine(contentRoot, "data");
        return Path.Combine(Path.GetFullPath(folder, contentRoot), "keys", "signing.key");
    }

    /// <summary>Where versions before the key moved next to the database kept it, named when the key is missing.</summary>
    public static string LegacySigningKeyPath(string contentRoot) => Path.Combine(contentRoot, "data", "keys", "signing.key");

    public string ResolvePackagePath(string contentRoot) => string.IsNullOrWhiteSpace(PackagePath)
        ? Path.Combine(contentRoot, "data", "packages")
        : Path.GetFullPath(PackagePath, contentRoot);
}
