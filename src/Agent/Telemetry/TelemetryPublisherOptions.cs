namespace Edge.Agent.Telemetry;

using System.ComponentModel.DataAnnotations;

/// <summary>Section <c>Telemetry</c>: the windows the agent publishes on <c>edge/v1/dev/{id}/telemetry</c>.</summary>
internal sealed class TelemetryPublisherOptions
{
    public const string Section = "Telemetry";

    public bool Enabled { get; set; } = true;

    /// <summary>Length of one window (the cloud's load controller needs at least two per control period).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Windows kept in the outbox while offline are published at most this many per window closed, oldest first.</summary>
    [Range(1, 10_000)]
    public int BacklogBatch { get; set; } = 100;
}
