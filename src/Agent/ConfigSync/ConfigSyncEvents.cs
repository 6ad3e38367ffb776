namespace Edge.Agent.ConfigSync;

using Edge.Shared.Config;

/// <summary>
/// The "config processed" hook for tests, the demo and metrics: await an outcome instead of sleeping.
/// Waiters also match the most recent outcomes already seen, so start waiting before or after publishing;
/// put the version in the predicate to tell messages apart.
/// </summary>
internal sealed class ConfigSyncEvents
{
    private const int HistoryLength = 64;

    private readonly Lock _gate = new();
    private readonly Queue<ConfigSyncOutcome> _history = new();
    private readonly List<(Func<ConfigSyncOutcome, bool> Match, TaskCompletionSource<ConfigSyncOutcome> Done)> _waiters = [];

    /// <summary>Raised on the config-sync loop after each processed message. Keep handlers short.</summary>
    public event Action<ConfigSyncOutcome>? Processed;

    public Task<ConfigSyncOutcome> WaitForAsync(Func<ConfigSyncOutcome, bool> match, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(match);
        var done = new TaskCompletionSource<ConfigSyncOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            foreach (var seen in _history)
            {
                if (match(seen))
                {
                    return Task.FromResult(seen);
                }
            }

            _waiters.Add((match, done));
        }

        return WaitAsync(done, cancellationToken);
    }

    /// <summary>Completes once <paramref name="scope"/> has applied <paramref name="version"/> or a newer one.</summary>
    public Task<ConfigSyncOutcome> WaitForAppliedAsync(ConfigScope scope, long version, CancellationToken cancellationToken) =>
        WaitForAsync(o => o.Scope == scope && o.Kind == ConfigOutcomeKind.Applied && o.Version >= version, cancellationToken);

    public Task<ConfigSyncOutcome> WaitForAsync(ConfigScope scope, ConfigOutcomeKind kind, long? version, CancellationToken cancellationToken) =>
        WaitForAsync(o => o.Scope == scope && o.Kind == kind && o.Version == version, cancellationToken);

    public void Publish(ConfigSyncOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        List<TaskCompletionSource<ConfigSyncOutcome>> matched = [];
        lock (_gate)
        {
            _history.Enqueue(outcome);
            if (_history.Count > HistoryLength)
            {
                _history.Dequeue();
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Done.Task.IsCompleted || _waiters[i].Match(outcome))
                {
                    matched.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        foreach (var done in matched)
        {
            done.TrySetResult(outcome);
        }

        Processed?.Invoke(outcome);
    }

    private static async Task<ConfigSyncOutcome> WaitAsync(TaskCompletionSource<ConfigSyncOutcome> done, CancellationToken cancellationToken)
    {
        try
        {
            return await done.Task.WaitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Mark it so the next Publish drops it from the list.
            done.TrySetCanceled(cancellationToken);
            throw;
        }
    }
}
