namespace Edge.Agent.Observability;

using Edge.Shared.Observability;
using System.Collections.Concurrent;
using Edge.Shared.Inference;

/// <summary>
/// Every count the agent exposes on <c>/metrics</c>. Hot-path updates are single interlocked operations;
/// labelled families are fixed at start or keyed by a small closed set of reasons.
/// </summary>
internal sealed class AgentMetrics
{
    private readonly Counter[] _requests = [new(), new(), new()];
    private readonly Histogram[] _latency =
    [
        new(Histogram.LatencyBuckets), new(Histogram.LatencyBuckets), new(Histogram.LatencyBuckets),
    ];

    // The confidence histogram telemetry windows are cut from (cumulative; the publisher diffs it).
    private readonly long[] _scoreBins = new long[Edge.Shared.Telemetry.ScoreBins.Count];

    private readonly ConcurrentDictionary<string, Counter> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter> _degraded = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Reason, string Kind), Counter> _outboxDropped = new();

    public Counter AuditSent { get; } = new();

    public Counter AuditDropped { get; } = new();

    /// <summary>Audit samples handed to the outbox (not sent live: concurrency limit or the cloud did not answer).</summary>
    public Counter AuditDeferred { get; } = new();

    public Counter AuditFailed { get; } = new();

    public Counter AuditAgreed { get; } = new();

    public Counter AuditDisagreed { get; } = new();

    public Counter HardExamples { get; } = new();

    /// <summary>Entries committed to the outbox.</summary>
    public Counter OutboxEnqueued { get; } = new();

    /// <summary>Entries the cloud acknowledged (accepted or already had).</summary>
    public Counter OutboxUploaded { get; } = new();

    public Counter OutboxUploadFailures { get; } = new();

    public Gauge OutboxEntries { get; } = new();

    public Gauge OutboxBytes { get; } = new();

    public IEnumerable<KeyValuePair<(string Reason, string Kind), Counter>> OutboxDropped => _outboxDropped;

    public static IReadOnlyList<Decision> Decisions { get; } = [Decision.Local, Decision.Cloud, Decision.LocalDegraded];

    public IEnumerable<KeyValuePair<string, Counter>> Errors => _errors;

    public IEnumerable<KeyValuePair<string, Counter>> Degraded => _degraded;

    public void RecordAnswer(InferenceAnswer answer, double seconds)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var i = (int)answer.Decision;
        _requests[i].Increment();
        _latency[i].Observe(seconds);
        Interlocked.Increment(ref _scoreBins[Edge.Shared.Telemetry.ScoreBins.Of(answer.Score)]);
        if (answer.DegradedReason is { } reason)
        {
            _degraded.GetOrAdd(reason, static _ => new Counter()).Increment();
        }
    }

    /// <summary>A request that got no answer (4xx/5xx); <paramref name="reason"/> must come from a closed set.</summary>
    public void RecordError(string reason) => _errors.GetOrAdd(reason, static _ => new Counter()).Increment();

    /// <summary>Entries that left the outbox without reaching the cloud; both labels come from closed sets.</summary>
    public void RecordOutboxDrop(string reason, string kind, long count) =>
        _outboxDropped.GetOrAdd((reason, kind), static _ => new Counter()).Add(count);

    public Counter Requests(Decision decision) => _requests[(int)decision];

    /// <summary>Answers counted in score bin <paramref name="bin"/> since start (<see cref="Edge.Shared.Telemetry.ScoreBins"/>).</summary>
    public long ScoreBin(int bin) => Interlocked.Read(ref _scoreBins[bin]);

    public Histogram Latency(Decision decision) => _latency[(int)decision];
}
