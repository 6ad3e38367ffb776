namespace Edge.Shared.Updates;

using Edge.Shared.Config;

/// <summary>Body of <c>POST /v1/rollouts</c>; omitted percentages take the cloud's defaults (<c>Rollouts</c> section).</summary>
public sealed class RolloutRequest
{
    public string? Model { get; set; }

    public string? Version { get; set; }

    public ConfigScope? Scope { get; set; }

    /// <summary>The group name or device id; leave it out for the fleet.</summary>
    public string? Target { get; set; }

    /// <summary>Within [0, 100]; at least one device is always a canary.</summary>
    public double? CanaryPercent { get; set; }

    /// <summary>Within [0, 1]: the rollout halts when failed-or-rolled-back devices / targeted devices exceed it.</summary>
    public double? MaxFailureShare { get; set; }

    /// <summary>True to ship a version lower than the one devices run: the package is signed as a rollback (devices refuse a downgrade otherwise).</summary>
    public bool? AllowRollback { get; set; }
}

/// <summary>Answer of <c>GET /v1/keys</c>: the key the cloud signs packages with, for <c>Updates:TrustedKeys</c> on devices.</summary>
public sealed class SigningKeyInfo
{
    public required string KeyId { get; set; }

    /// <summary>Base64 of the raw 32-byte Ed25519 public key.</summary>
    public required string PublicKey { get; set; }
}
