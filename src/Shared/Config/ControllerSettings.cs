namespace Edge.Shared.Config;

/// <summary>
/// Body of <c>PUT /v1/controller</c>: the load controller's target and tuning. A field left out keeps its current value.
/// </summary>
public sealed class ControllerUpdate
{
    /// <summary>Cloud capacity the fleet should stay under, requests per second.</summary>
    public double? TargetCloudRps { get; set; }

    public bool? Enabled { get; set; }

    public double? PeriodSeconds { get; set; }

    /// <summary>Largest threshold move per group per period.</summary>
    public double? MaxStep { get; set; }

    /// <summary>Dead band, as a share of a group's target: no move while its cloud rate is in [target × (1 − deadBand), target].</summary>
    public double? DeadBand { get; set; }

    /// <summary>How long a manual threshold change keeps the controller off that group.</summary>
    public double? PinSeconds { get; set; }

    public string? By { get; set; }
}

/// <summary>Body of <c>PUT /v1/controller/groups/{group}</c>.</summary>
public sealed class ControllerGroupUpdate
{
    public bool? Enabled { get; set; }

    public string? By { get; set; }
}

/// <summary><c>GET /v1/controller</c>.</summary>
public sealed class ControllerStatus
{
    public bool Enabled { get; init; }

    public double? TargetCloudRps { get; init; }

    public double PeriodSeconds { get; init; }

    public double MaxStep { get; init; }

    public double DeadBand { get; init; }

    public double PinSeconds { get; init; }

    public DateTimeOffset? LastRun { get; init; }

    /// <summary>Measured cloud rate over every group with telemetry, requests per second.</summary>
    public double CloudRate { get; init; }

    public ControllerGroupStatus[] Groups { get; init; } = [];
}

public sealed class ControllerGroupStatus
{
    public required string Group { get; init; }

    public bool Enabled { get; init; }

    public double? Threshold { get; init; }

    public double BoundMin { get; init; }

    public double BoundMax { get; init; }

    public double RequestRate { get; init; }

    public double CloudRate { get; init; }

    public double? TargetCloudRate { get; init; }

    public DateTimeOffset? PinnedUntil { get; init; }

    /// <summary>What the controller did or why it did nothing at its last run.</summary>
    public string? LastAction { get; init; }
}
