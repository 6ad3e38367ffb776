namespace Edge.Shared.Config;

/// <summary>Body of <c>PUT /v1/thresholds/...</c> on the cloud.</summary>
public sealed class ThresholdUpdate
{
    public double? Threshold { get; set; }

    public double? AuditSampleRate { get; set; }

    public ScoreFunction? ScoreFunction { get; set; }

    /// <summary>Who is changing it (audit log); defaults to "api".</summary>
    public string? By { get; set; }

    /// <summary>Why (audit log); defaults to the request line.</summary>
    public string? Reason { get; set; }
}

/// <summary>The stored setting at one scope, as the cloud returns it.</summary>
public sealed class ScopeSetting
{
    public ConfigScope Scope { get; init; }

    public string? Target { get; init; }

    public long Version { get; init; }

    public double? Threshold { get; init; }

    public double? AuditSampleRate { get; init; }

    public ScoreFunction? ScoreFunction { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string? UpdatedBy { get; init; }
}
