namespace Edge.Shared.Config;

/// <summary>
/// Desired settings at one scope, published retained by the cloud. Absent (null) fields leave the
/// value to a less specific scope; a device merges field by field, most specific first.
/// </summary>
public sealed class DesiredConfig
{
    /// <summary>Monotonically increasing across all scopes; a device ignores anything not newer than what it holds.</summary>
    public long Version { get; set; }

    /// <summary>
    /// The cloud's version sequence this version belongs to: random, made once per cloud database and again when an
    /// operator resets it (<c>POST /v1/thresholds/epoch</c>). A device compares versions only within one epoch; a
    /// config from another epoch (null, from a cloud that predates epochs, counts as one) replaces what it holds.
    /// </summary>
    public string? Epoch { get; set; }

    public ConfigScope Scope { get; set; }

    /// <summary>Group name or device id; null for the fleet.</summary>
    public string? Target { get; set; }

    public double? Threshold { get; set; }

    /// <summary>Share (0..1) of <c>Local</c> answers also sent to the cloud for accuracy estimation.</summary>
    public double? AuditSampleRate { get; set; }

    public ScoreFunction? ScoreFunction { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public string? UpdatedBy { get; set; }
}

/// <summary>Answer of <c>POST /v1/thresholds/epoch</c>.</summary>
public sealed class ConfigEpochReset
{
    /// <summary>The new epoch every desired config now carries.</summary>
    public required string Epoch { get; set; }

    /// <summary>Stored settings republished in it; null when the broker is unreachable (they go out on the next connection).</summary>
    public int? Republished { get; set; }
}
