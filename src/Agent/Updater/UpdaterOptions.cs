namespace Edge.Agent.Updater;

using System.ComponentModel.DataAnnotations;
using System.Runtime.InteropServices;

/// <summary>
/// Over-the-air model updates (docs/updates.md, "Agent: updater"). Section <c>Updates</c>; e.g.
/// <c>Updates__TrustedKeys__0=&lt;base64 Ed25519 public key&gt;</c>, <c>Updates__HealthWindow=00:02:00</c>.
/// </summary>
internal sealed class UpdaterOptions : IValidatableObject
{
    public const string Section = "Updates";

    public bool Enabled { get; set; } = true;

    /// <summary>Base64 raw 32-byte Ed25519 public keys. Empty refuses every package (UnknownSigningKey); several allow key rotation.</summary>
    public List<string> TrustedKeys { get; set; } = [];

    /// <summary>Matched against a package's device class; null uses this machine's, e.g. <c>linux-arm64</c>.</summary>
    [RegularExpression("^[A-Za-z0-9_.-]{1,64}$", ErrorMessage = "DeviceClass may only contain letters, digits, '-', '_' and '.'")]
    public string? DeviceClass { get; set; }

    /// <summary>Largest model file (and payload) the device accepts; decompression stops here too.</summary>
    [Range(1024, 4L << 30)]
    public long MaxModelBytes { get; set; } = 256L << 20;

    [Range(1, BlockRequestLimit)]
    public int MaxInFlightBlocks { get; set; } = 8;

    /// <summary>A requested block not received within this, while no other block arrived for as long, is requested again.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan BlockTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A download that receives nothing for this many block timeouts while connected fails with Timeout.</summary>
    [Range(2, 10_000)]
    public int StallTimeouts { get; set; } = 30;

    /// <summary>How long after a swap the new model is watched, the previous one kept loaded for a rollback.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan HealthWindow { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Local runs needed before the window judges; with fewer, it waits (at most 10 windows) before accepting.</summary>
    [Range(1, 1_000_000)]
    public int HealthMinRequests { get; set; } = 20;

    [Range(0.0, 1.0)]
    public double MaxErrorRate { get; set; } = 0.05;

    /// <summary>Rolls back when the new model's local-run p99 exceeds this many times the previous model's.</summary>
    [Range(1.0, 1000.0)]
    public double MaxLatencyRatio { get; set; } = 3.0;

    /// <summary>
    /// The latency bound is max(<see cref="MaxLatencyRatio"/> × the previous model's p99, this): a new model rolls back for
    /// latency only when it is both that much slower and slower than this, so scheduler jitter on a busy device (a few
    /// ms on a 2-core board) never undoes a good update. Without a baseline for the previous model, this alone applies.
    /// </summary>
    [Range(0.000001, 600_000.0)]
    public double? MaxLatencyP99Ms { get; set; } = 25;

    /// <summary>Installed versions kept on disk (the current one included).</summary>
    [Range(1, 16)]
    public int KeepVersions { get; set; } = 2;

    private const int BlockRequestLimit = Edge.Shared.Updates.BlockRequest.MaxBlocksPerRequest;

    public string ResolveDeviceClass() =>
        string.IsNullOrWhiteSpace(DeviceClass) ? DefaultDeviceClass() : DeviceClass;

    /// <summary><c>linux-arm64</c>, <c>linux-x64</c>, <c>osx-arm64</c>, ... (the .NET runtime identifier style).</summary>
    public static string DefaultDeviceClass()
    {
        var os = OperatingSystem.IsLinux() ? "linux" : OperatingSystem.IsWindows() ? "win" : OperatingSystem.IsMacOS() ? "osx" : "unknown";
        return $"{os}-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}";
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        for (var i = 0; i < TrustedKeys.Count; i++)
        {
            var key = TrustedKeys[i]?.Trim() ?? string.Empty;
            var raw = new byte[48];
            if (!Convert.TryFromBase64String(key, raw, out var written) || written != 32)
            {
                yield return new ValidationResult(
                    $"TrustedKeys[{i}] is not a base64 32-byte Ed25519 public key", [nameof(TrustedKeys)]);
            }
        }
    }
}
