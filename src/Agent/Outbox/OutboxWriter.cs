namespace Edge.Agent.Outbox;

using System.Threading.Channels;
using Edge.Agent.Observability;
using Microsoft.Extensions.Options;

/// <summary>
/// Takes entries off the request path: <see cref="TryEnqueue"/> is one channel write; this service commits
/// whatever has queued up in one transaction (so a burst costs one commit), wakes the drain, and every
/// <see cref="OutboxOptions.SyncInterval"/> forces committed entries to disk.
/// </summary>
internal sealed partial class OutboxWriter : BackgroundService
{
    private const int MaxBatch = 512;

    private readonly Channel<OutboxEntry> _queue;
    private readonly OutboxStore _store;
    private readonly OutboxSignal _signal;
    private readonly AgentMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly TimeSpan _syncInterval;
    private readonly ILogger<OutboxWriter> _logger;
    private int _dirty;

    public OutboxWriter(OutboxStore store, OutboxSignal signal, AgentMetrics metrics, TimeProvider time, IOptions<OutboxOptions> options, ILogger<OutboxWriter> logger)
    {
        _store = store;
        _signal = signal;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _syncInterval = options.Value.SyncInterval;
        _queue = Channel.CreateBounded<OutboxEntry>(new BoundedChannelOptions(options.Value.WriterCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Never blocks: when the writer is that far behind, the entry is dropped and counted.</summary>
    public bool TryEnqueue(OutboxEntry entry)
    {
        if (_queue.Writer.TryWrite(entry))
        {
            return true;
        }

        _metrics.RecordOutboxDrop(DropReasons.WriterFull, OutboxStore.KindLabel(entry.Kind), 1);
        return false;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var sync = SyncLoopAsync(stoppingToken);
        var batch = new List<OutboxEntry>(MaxBatch);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken))
            {
                Flush(batch);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is already queued still goes to disk below.
        }

        Flush(batch);
        await sync;
        SyncNow();
    }

    private void Flush(List<OutboxEntry> batch)
    {
        while (true)
        {
            batch.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var entry))
            {
                batch.Add(entry);
            }

            if (batch.Count == 0)
            {
                return;
            }

            try
            {
                _store.Add(batch);
                Volatile.Write(ref _dirty, 1);
                _signal.Set();
            }
            catch (Exception e)
            {
                foreach (var entry in batch)
                {
                    _metrics.RecordOutboxDrop(DropReasons.WriteFailed, OutboxStore.KindLabel(entry.Kind), 1);
                }

                WriteFailed(_logger, e, batch.Count);
            }
        }
    }

    private async Task SyncLoopAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_syncInterval, _time);
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
}
