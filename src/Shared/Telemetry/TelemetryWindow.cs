namespace Edge.Shared.Telemetry;

/// <summary>
/// What one device did in one telemetry window, published on <c>edge/v1/dev/{id}/telemetry</c> (QoS 1, not retained).
/// Counts cover exactly [<see cref="Start"/>, <see cref="End"/>); a window kept in the outbox while offline is sent
/// later under the same <see cref="Id"/>, so the cloud stores each window once.
/// </summary>
public sealed class TelemetryWindow
{
    /// <summary>Made by the device when it closes the window; the cloud's idempotency key.</summary>
    public Guid Id { get; init; }

    public required string DeviceId { get; init; }

    public string? Group { get; set; }

    public DateTimeOffset Start { get; init; }

    public DateTimeOffset End { get; init; }

    /// <summary>Answered requests (Local + Cloud + LocalDegraded).</summary>
    public long Requests { get; init; }

    public long Local { get; init; }

    public long Cloud { get; init; }

    public long LocalDegraded { get; init; }

    /// <summary>
    /// The local score of every answered request, counted in <see cref="ScoreBins.Count"/> fixed bins (see
    /// <see cref="ScoreBins"/>); sums to <see cref="Requests"/>.
    /// </summary>
    public long[] Scores { get; init; } = [];

    /// <summary>Audit samples whose cloud label agreed / disagreed with the local one.</summary>
    public long AuditAgreed { get; init; }

    public long AuditDisagreed { get; init; }

    public string? ModelVersion { get; init; }

    public string? ExecutionProvider { get; init; }

    /// <summary>The threshold in force when the window closed.</summary>
    public double Threshold { get; init; }

    /// <summary>Entries waiting in the device's outbox when the window closed.</summary>
    public long OutboxDepth { get; init; }
}
