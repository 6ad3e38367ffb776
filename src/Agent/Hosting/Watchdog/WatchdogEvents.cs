namespace Edge.Agent.Hosting.Watchdog;

/// <summary>What one watchdog tick did.</summary>
internal enum WatchdogStep
{
    ProbeStarted,
    Pinged,
    Withheld,
}

internal sealed record WatchdogOutcome(long Tick, WatchdogStep Step, string? Reason);

/// <summary>The "tick done" hook: tests await a step instead of sleeping. Keeps the last outcomes for late waiters.</summary>
internal sealed class WatchdogEvents
{
    private const int HistoryLength = 32;
    private readonly Lock _gate = new();
    private readonly Queue<WatchdogOutcome> _history = new();
    private readonly List<(Func<WatchdogOutcome, bool> Match, TaskCompletionSource<WatchdogOutcome> Done)> _waiters = [];

    public Task<WatchdogOutcome> WaitForAsync(Func<WatchdogOutcome, bool> match, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(match);
        var done = new TaskCompletionSource<WatchdogOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            if (_history.FirstOrDefault(match) is { } seen)
            {
                return Task.FromResult(seen);
            }

            _waiters.Add((match, done));
        }

        return done.Task.WaitAsync(cancellationToken);
    }

    public void Publish(WatchdogOutcome outcome)
    {
        List<TaskCompletionSource<WatchdogOutcome>> matched = [];
        lock (_gate)
        {
            _history.Enqueue(outcome);
            if (_history.Count > HistoryLength)
            {
                _history.Dequeue();
            }

            for (var i = _waiters.Count - 1; i >= 0; i--)
            {
                if (_waiters[i].Match(outcome))
                {
                    matched.Add(_waiters[i].Done);
                    _waiters.RemoveAt(i);
                }
            }
        }

        matched.ForEach(d => d.TrySetResult(outcome));
    }
}
