namespace Edge.Agent.Sources;

using Edge.Shared.Inference;

/// <summary>One frame a source finished with: its answer, or why it got none.</summary>
internal sealed record FrameOutcome(string Source, string Name, InferenceAnswer? Answer, string? Error);

/// <summary>Raised after a source has fully handled a frame (files moved, results written): tests await it.</summary>
internal sealed class SourceEvents
{
    private readonly Lock _gate = new();
    private readonly List<FrameOutcome> _history = [];
    private readonly List<(Func<FrameOutcome, bool> Match, TaskCompletionSource<FrameOutcome> Done)> _waiters = [];

    public Task<FrameOutcome> WaitForAsync(Func<FrameOutcome, bool> match, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(match);
        var done = new TaskCompletionSource<FrameOutcome>(TaskCreationOptions.RunContinuationsAsynchronously);
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

    /// <summary>How many of the recent outcomes (the last 64) match.</summary>
    public int Count(Func<FrameOutcome, bool> match)
    {
        lock (_gate)
        {
            return _history.Count(match);
        }
    }

    public void Publish(FrameOutcome outcome)
    {
        List<TaskCompletionSource<FrameOutcome>> matched = [];
        lock (_gate)
        {
            _history.Add(outcome);
            if (_history.Count > 64)
            {
                _history.RemoveAt(0);
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
