namespace Edge.Agent.Outbox;

using System.Threading.Channels;
using Edge.Agent.Observability;
using Microsoft.Extensions.Options;

/// <summary>
/// Group commit: <see cref="EnqueueAsync"/> adds the entry to the pending batch and waits for that batch's commit;
/// this service commits whatever is pending in one transaction, so concurrent requests share one commit and a burst
/// costs one write. Every <see cref="OutboxOptions.SyncInterval"/> it forces committed entries to disk.
/// </summary>
internal sealed partial class OutboxWriter : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Lock _flushLock = new();
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly OutboxStore _store;
    private readonly OutboxSignal _signal;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly OutboxOptions _options;
    private readonly ILogger<OutboxWriter> _logger;
    private List<OutboxEntry> _pending = [];
    private List<OutboxEntry> _spare = [];
    private TaskCompletionSource<bool> _commit = NewCommit();
    private bool _stopped;
    private int _dirty;

    public OutboxWriter(OutboxStore store, OutboxSignal signal, AgentMetrics metrics, TimeProvider time, IOptions<OutboxOptions> options, ILogger<OutboxWriter> logger)
    {
        _store = store;
        _signal = signal;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _options = options.Value;
    }

    /// <summary>
    /// Completes when the entry is committed (a process kill can no longer take it), or at once without
    /// <see cref="OutboxOptions.CommitBeforeAnswer"/>. Never throws for storage problems: an entry the writer has
    /// no room for (<c>writer-full</c>) or could not write (<c>write-failed</c>) is dropped and counted; a commit
    /// slower than <see cref="OutboxOptions.CommitTimeout"/> stops the wait, not the commit.
    /// </summary>
    public async ValueTask EnqueueAsync(OutboxEntry entry, CancellationToken cancellationToken)
    {
        Task<bool> committed;
        lock (_gate)
        {
            if (_stopped)
            {
                // The writer is gone (shutting down): the caller commits its own entry.
                committed = Task.FromResult(Commit([entry]));
            }
            else if (_pending.Count >= _options.WriterCapacity)
            {
                _metrics.RecordOutboxDrop(DropReasons.WriterFull, OutboxStore.KindLabel(entry.Kind), 1);
                return;
            }
            else
            {
                _pending.Add(entry);
                committed = _commit.Task;
            }
        }

        _wake.Writer.TryWrite(true);
        if (!_options.CommitBeforeAnswer || committed.IsCompleted)
        {
            return;
        }

        try
        {
            await committed.WaitAsync(_options.CommitTimeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            CommitSlow(_logger, _options.CommitTimeout);
        }
    }

    /// <summary>Adds the entry to the next group commit without waiting for it (for entries nobody was promised).</summary>
    public void Post(OutboxEntry entry)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                Commit([entry]);
                return;
            }

            if (_pending.Count >= _options.WriterCapacity)
            {
                _metrics.RecordOutboxDrop(DropReasons.WriterFull, OutboxStore.KindLabel(entry.Kind), 1);
                return;
            }

            _pending.Add(entry);
        }

        _wake.Writer.TryWrite(true);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sync = SyncLoopAsync(stoppingToken);
        try
        {
            while (await _wake.Reader.WaitToReadAsync(stoppingToken))
            {
                _wake.Reader.TryRead(out _);
                Flush();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is pending goes to disk in StopAsync.
        }

        await sync;
    }

    /// <summary>
    /// The final flush lives here, not at the end of <see cref="ExecuteAsync"/>: a host stopped right after it started
    /// may never run that, and entries offered until now were promised all the same.
    /// </summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        lock (_gate)
        {
            _stopped = true;
        }

        Flush();
        SyncNow();
    }

    /// <summary>Commits pending batches until none is left.</summary>
    private void Flush()
    {
        // The loop and the final stop may overlap when the host's stop timeout ran out; batches must not.
        lock (_flushLock)
        {
            FlushPending();
        }
    }

    private void FlushPending()
    {
        while (true)
        {
            List<OutboxEntry> batch;
            TaskCompletionSource<bool> commit;
            lock (_gate)
            {
                if (_pending.Count == 0)
                {
                    return;
                }

                (batch, _pending, _spare) = (_pending, _spare, _pending);
                (commit, _commit) = (_commit, NewCommit());
            }

            commit.TrySetResult(Commit(batch));
            batch.Clear();
        }
    }

    private bool Commit(List<OutboxEntry> batch)
    {
        try
        {
            _store.Add(batch);
            Volatile.Write(ref _dirty, 1);
            _signal.Set();
            return true;
        }
        catch (Exception e)
        {
            foreach (var entry in batch)
            {
                _metrics.RecordOutboxDrop(DropReasons.WriteFailed, OutboxStore.KindLabel(entry.Kind), 1);
            }

            WriteFailed(_logger, e, batch.Count);
            return false;
        }
    }

    private static TaskCompletionSource<bool> NewCommit() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    private async Task SyncLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.SyncInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                SyncNow();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping; the final sync follows the final flush.
        }
    }

    private void SyncNow()
    {
        if (Interlocked.Exchange(ref _dirty, 0) == 0)
        {
            return;
        }

        try
        {
            _store.Sync();
        }
        catch (Exception e)
        {
            SyncFailed(_logger, e);
        }
    }

    [LoggerMessage(EventId = 6001, Level = LogLevel.Error, Message = "Could not write {Count} outbox entries; they are dropped")]
    private static partial void WriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 6002, Level = LogLevel.Warning, Message = "Could not sync the outbox to disk; retrying at the next interval")]
    private static partial void SyncFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 6003, Level = LogLevel.Warning, Message = "An outbox commit took longer than {Timeout}; answering before it is durable")]
    private static partial void CommitSlow(ILogger logger, TimeSpan timeout);
}
