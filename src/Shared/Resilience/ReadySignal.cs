namespace Edge.Shared.Resilience;

/// <summary>
/// A re-armable "ready" flag that can be awaited: set when a connection is up and prepared, reset when it is
/// lost. Waiters that arrive while it is set complete at once; waiters that arrive while it is reset wait for the
/// next <see cref="Set"/>.
/// </summary>
/// <remarks>
/// Both reconnecting MQTT clients need exactly this, and a bare <see cref="TaskCompletionSource"/> gets it subtly
/// wrong (continuations running inline on the setter, a reset racing a set). Thread-safe; continuations run
/// asynchronously so a waiter never runs on the connect loop's thread.
/// </remarks>
public sealed class ReadySignal
{
    private TaskCompletionSource _current = NewSource();

    /// <summary>True from <see cref="Set"/> until the next <see cref="Reset"/>.</summary>
    public bool IsSet => Volatile.Read(ref _current).Task.IsCompleted;

    /// <summary>Completes when the signal is set (at once if it is now).</summary>
    /// <param name="cancellationToken">Stops waiting; the signal itself is unaffected.</param>
    public Task WaitAsync(CancellationToken cancellationToken) => Volatile.Read(ref _current).Task.WaitAsync(cancellationToken);

    /// <summary>Sets the signal and releases every waiter. Setting a set signal does nothing.</summary>
    public void Set() => Volatile.Read(ref _current).TrySetResult();

    /// <summary>Re-arms a set signal so new waiters wait for the next <see cref="Set"/>. Resetting a reset signal does nothing.</summary>
    public void Reset()
    {
        var current = Volatile.Read(ref _current);
        if (current.Task.IsCompleted)
        {
            // Only replace the source we saw completed: a concurrent Reset must not swap out a fresh one.
            Interlocked.CompareExchange(ref _current, NewSource(), current);
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
