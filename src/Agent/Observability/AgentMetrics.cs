namespace Edge.Agent.Observability;

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

    private readonly ConcurrentDictionary<string, Counter> _errors = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Counter> _degraded = new(StringComparer.Ordinal);

    public Counter AuditSent { get; } = new();

    public Counter AuditDropped { get; } = new();

    public Counter AuditFailed { get; } = new();

    public Counter AuditAgreed { get; } = new();

    public Counter AuditDisagreed { get; } = new();

    public Counter HardExamples { get; } = new();

    public static IReadOnlyList<Decision> Decisions { get; } = [Decision.Local, Decision.Cloud, Decision.LocalDegraded];

    public IEnumerable<KeyValuePair<string, Counter>> Errors => _errors;

    public IEnumerable<KeyValuePair<string, Counter>> Degraded => _degraded;

    public void RecordAnswer(InferenceAnswer answer, double seconds)
    {
        ArgumentNullException.ThrowIfNull(answer);
        var i = (int)answer.Decision;
        _requests[i].Increment();
        _latency[i].Observe(seconds);
        if (answer.DegradedReason is { } reason)
        {
            _degraded.GetOrAdd(reason, static _ => new Counter()).Increment();
        }
    }

    /// <summary>A request that got no answer (4xx/5xx); <paramref name="reason"/> must come from a closed set.</summary>
    public void RecordError(string reason) => _errors.GetOrAdd(reason, static _ => new Counter()).Increment();

    public Counter Requests(Decision decision) => _requests[(int)decision];

    public Histogram Latency(Decision decision) => _latency[(int)decision];
}
