namespace Edge.Agent.Observability;

using System.Collections.Concurrent;
using Edge.Shared.Updates;

/// <summary>What the model updater did, for <c>/metrics</c>: blocks moved and dropped, and how updates ended.</summary>
internal sealed class UpdateMetrics
{
    private readonly ConcurrentDictionary<string, Counter> _outcomes = new(StringComparer.Ordinal);
    private long _state;

    public Counter BlocksRequested { get; } = new();

    public Counter BlocksReceived { get; } = new();

    /// <summary>Blocks requested again after their timeout, a reconnect or a truncated frame.</summary>
    public Counter BlocksRerequested { get; } = new();

    public Counter TruncatedBlocks { get; } = new();

    /// <summary>Frames for another payload (an update that was superseded) or duplicates.</summary>
    public Counter IgnoredFrames { get; } = new();

    /// <summary>Frames whose data does not hash to the block's SHA-256 in the signed manifest (forged or damaged).</summary>
    public Counter BadHashBlocks { get; } = new();

    /// <summary>Frames larger than a header and the largest block, dropped before they were copied or queued.</summary>
    public Counter OversizedFrames { get; } = new();

    public Counter Swaps { get; } = new();

    public UpdateState State => (UpdateState)Interlocked.Read(ref _state);

    /// <summary>Outcome labels: <c>applied</c>, <c>rolled_back</c>, or the failure reason in snake case.</summary>
    public IEnumerable<KeyValuePair<string, Counter>> Outcomes => _outcomes;

    public void SetState(UpdateState state) => Interlocked.Exchange(ref _state, (long)state);

    public void RecordOutcome(UpdateState state, UpdateFailure? failure)
    {
        if (state is not (UpdateState.Applied or UpdateState.RolledBack or UpdateState.Failed))
        {
            return;
        }

        var label = state switch
        {
            UpdateState.Applied => "applied",
            UpdateState.RolledBack => "rolled_back",
            _ => "failed_" + (failure?.ToString().ToLowerInvariant() ?? "unknown"),
        };
        _outcomes.GetOrAdd(label, static _ => new Counter()).Increment();
    }
}
