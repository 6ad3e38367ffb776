namespace Edge.Shared.Telemetry;

/// <summary><c>GET /v1/telemetry/groups/{group}</c>: a group's recent telemetry, summed over its devices.</summary>
public sealed class GroupTelemetry
{
    public required string Group { get; init; }

    /// <summary>Devices with at least one window inside the horizon.</summary>
    public int Devices { get; init; }

    public int Windows { get; init; }

    /// <summary>Requests per second, summed over the devices (each device's count over its own covered time).</summary>
    public double RequestRate { get; init; }

    /// <summary>Requests per second the devices sent (or wanted to send) to the cloud: Cloud + LocalDegraded.</summary>
    public double CloudRate { get; init; }

    public double LocalShare { get; init; }

    public double CloudShare { get; init; }

    public double DegradedShare { get; init; }

    public long AuditAgreed { get; init; }

    public long AuditDisagreed { get; init; }

    /// <summary>Mean threshold in force over the windows, weighted by requests.</summary>
    public double? Threshold { get; init; }

    public DateTimeOffset? LastSeen { get; init; }

    /// <summary>The summed confidence histogram (<see cref="ScoreBins"/>).</summary>
    public long[] Scores { get; init; } = [];
}

/// <summary><c>GET /v1/curve/{group}</c>: what each candidate threshold would do to the group.</summary>
public sealed class WhatIfCurve
{
    public required string Group { get; init; }

    /// <summary>The group's request rate now (req/s), which <see cref="CurvePoint.ExpectedCloudRate"/> scales.</summary>
    public double RequestRate { get; init; }

    /// <summary>Threshold in force now (telemetry), if known.</summary>
    public double? Threshold { get; init; }

    /// <summary>Requests counted in the histogram the shares come from.</summary>
    public long HistogramRequests { get; init; }

    /// <summary>Labelled samples (audits and hard examples) the accuracy comes from.</summary>
    public int LabelledSamples { get; init; }

    public CurvePoint[] Points { get; init; } = [];
}

public sealed class CurvePoint
{
    public double Threshold { get; init; }

    public double LocalShare { get; init; }

    /// <summary>Null when the group has no labelled samples yet.</summary>
    public double? ExpectedAccuracy { get; init; }

    public double ExpectedCloudRate { get; init; }
}
