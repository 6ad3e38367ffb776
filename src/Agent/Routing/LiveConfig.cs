namespace Edge.Agent.Routing;

using Edge.Shared.Config;

/// <summary>
/// The routing settings in force right now. Config sync swaps in a new immutable snapshot; the hot path
/// reads <see cref="Current"/> once per request (one volatile read, no lock, no allocation).
/// </summary>
internal sealed class LiveConfig
{
    private RoutingSettings _current;
    private long _applied;

    public LiveConfig(RoutingSettings initial) => _current = initial;

    public RoutingSettings Current => Volatile.Read(ref _current);

    /// <summary>Snapshots applied since start (the initial one not counted).</summary>
    public long AppliedCount => Interlocked.Read(ref _applied);

    /// <summary>Raised after a new snapshot is in force (for metrics and reporting, never on the hot path).</summary>
    public event Action<RoutingSettings>? Changed;

    public void Apply(RoutingSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Volatile.Write(ref _current, settings);
        Interlocked.Increment(ref _applied);
        Changed?.Invoke(settings);
    }
}

/// <summary>One immutable snapshot of the effective routing settings.</summary>
/// <param name="Threshold">Score ≥ threshold answers locally; 0 = all local, &gt; 1 = all cloud.</param>
/// <param name="ThresholdSource">Which scope set the threshold; null = the agent's configured default.</param>
internal sealed record RoutingSettings(
    double Threshold,
    ConfigScope? ThresholdSource,
    double AuditSampleRate,
    ScoreFunction ScoreFunction);
