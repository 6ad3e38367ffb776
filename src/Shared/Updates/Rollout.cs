namespace Edge.Shared.Updates;

using Edge.Shared.Config;

/// <summary>A staged model update: canary devices first, then the rest of the scope (docs/updates.md).</summary>
public sealed class Rollout
{
    public required string Id { get; set; }

    public required string Model { get; set; }

    public required string Version { get; set; }

    public ConfigScope Scope { get; set; }

    /// <summary>The group or device id; null for the fleet.</summary>
    public string? Target { get; set; }

    public double CanaryPercent { get; set; }

    public double MaxFailureShare { get; set; }

    /// <summary>The package is signed as a rollback: devices running a higher version install it.</summary>
    public bool AllowRollback { get; set; }

    public RolloutState State { get; set; }

    /// <summary>Why it halted or was aborted; null otherwise.</summary>
    public string? Reason { get; set; }

    public int Targeted { get; set; }

    /// <summary>Devices per last reported <see cref="UpdateState"/>; <c>Pending</c> for those that reported nothing yet.</summary>
    public Dictionary<string, int> Counts { get; set; } = [];

    /// <summary>Per-device rows; only in the answer for one rollout.</summary>
    public RolloutDevice[]? Devices { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public sealed class RolloutDevice
{
    public required string DeviceId { get; set; }

    public RolloutPhase Phase { get; set; }

    /// <summary>The last state the device reported for this rollout; null until it reports.</summary>
    public UpdateState? State { get; set; }

    /// <summary>True once the cloud published <c>model/desired</c> for this device.</summary>
    public bool Desired { get; set; }

    public UpdateFailure? Failure { get; set; }

    public string? Detail { get; set; }

    public int BlocksReceived { get; set; }

    public int BlocksTotal { get; set; }

    /// <summary>A failure the operator resumed past: it no longer counts towards a halt, until the device recovers and fails again.</summary>
    public bool Acknowledged { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public enum RolloutState
{
    /// <summary>Only the canary devices have the package.</summary>
    Canary,

    /// <summary>Every canary applied it; every targeted device has it.</summary>
    Expanding,

    /// <summary>Every targeted device applied it.</summary>
    Completed,

    /// <summary>Too many devices failed or rolled back; waits for the operator to resume or abort.</summary>
    Halted,

    /// <summary>Stopped by the operator; devices that had not applied it no longer have it desired.</summary>
    Aborted,
}

public enum RolloutPhase
{
    Canary,
    Main,
}
