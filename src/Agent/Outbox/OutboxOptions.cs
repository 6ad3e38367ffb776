namespace Edge.Agent.Outbox;

using System.ComponentModel.DataAnnotations;

/// <summary>
/// The durable queue of what the agent keeps for the cloud. Section <c>Outbox</c>. Bounded by
/// <see cref="MaxEntries"/> and <see cref="MaxBytes"/> (payload bytes); when full, the oldest audit samples go
/// first, then the oldest telemetry, then the oldest hard examples, each drop counted.
/// </summary>
internal sealed class OutboxOptions
{
    public const string Section = "Outbox";

    /// <summary>SQLite file; relative to the agent's state directory (<c>Agent:StateDirectory</c>).</summary>
    [Required]
    public string Path { get; set; } = "outbox.db";

    [Range(1, 10_000_000)]
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Sum of payload bytes kept.</summary>
    [Range(1024, 64L * 1024 * 1024 * 1024)]
    public long MaxBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Entries older than this are dropped (counted as <c>expired</c>) instead of uploaded.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "365.00:00:00")]
    public TimeSpan Ttl { get; set; } = TimeSpan.FromDays(7);

    /// <summary>
    /// Whether a LocalDegraded answer waits until its sample is committed (group commit: concurrent requests share
    /// one transaction). Off, the sample is committed shortly after the answer and a process kill can take it.
    /// </summary>
    public bool CommitBeforeAnswer { get; set; } = true;

    /// <summary>Longest an answer waits for its commit (a stalled disk); the entry is still committed afterwards.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan CommitTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Entries waiting in memory for the writer's next commit; beyond it an offer is dropped (<c>writer-full</c>)
    /// rather than blocking a request.
    /// </summary>
    [Range(1, 1_000_000)]
    public int WriterCapacity { get; set; } = 4096;

    /// <summary>
    /// How often written entries are forced to disk (a WAL checkpoint, which fsyncs). Commits between are safe
    /// from a process crash but not from power loss: this is the power-loss window.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan SyncInterval { get; set; } = TimeSpan.FromSeconds(1);

    [Range(1, 1000)]
    public int DrainBatchSize { get; set; } = 50;

    /// <summary>Most entries uploaded per second, so a long outage does not end in a burst at the cloud.</summary>
    [Range(0.1, 1_000_000)]
    public double DrainRatePerSecond { get; set; } = 200;

    /// <summary>How often an idle drain looks for work it was not told about (expiry, entries from a previous run).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(5);

    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan RetryMinDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:00.010", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>One upload request's budget.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan UploadTimeout { get; set; } = TimeSpan.FromSeconds(30);
}
