namespace Edge.Shared.Config;

/// <summary>
/// Desired settings at one scope, published retained by the cloud. Absent (null) fields leave the
/// value to a less specific scope; a device merges field by field, most specific first.
/// </summary>
public sealed class DesiredConfig
{
    /// <summary>Monotonically increasing across all scopes; a device ignores anything not newer than what it holds.</summary>
    public long Version { get; set; }

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
