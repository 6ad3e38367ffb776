namespace Edge.Agent.Outbox;

using Edge.Agent.Observability;
using Edge.Shared.Resilience;
using Microsoft.Extensions.Options;

/// <summary>
/// Uploads hard examples oldest first, then audit samples (hard examples are the promise; audits only feed accuracy estimates), in batches, at most <see cref="OutboxOptions.DrainRatePerSecond"/>, and
/// deletes them only once the cloud acknowledged them. While the cloud cannot be reached it retries with
/// exponential backoff and full jitter; a success resets the backoff. A batch the cloud refuses (4xx) is retried
/// one entry at a time so one bad entry cannot block the queue; a single refused entry is dropped (<c>rejected</c>).
/// </summary>
internal sealed partial class OutboxDrain(
    OutboxStore store,
    OutboxSignal signal,
    HardExampleUploader uploader,
    AgentMetrics metrics,
    TimeProvider time,
    IOptions<OutboxOptions> options,
    ILogger<OutboxDrain> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var o = options.Value;
        var backoff = new ReconnectBackoff(o.RetryMinDelay, o.RetryMaxDelay);
        var failures = 0;
        var isolate = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                store.Expire(time.GetUtcNow() - o.Ttl);
                var size = isolate ? 1 : o.DrainBatchSize;
                var kind = OutboxKind.HardExample;
                var batch = store.ReadOldest(kind, size);
                if (batch.Count == 0)
                {
                    kind = OutboxKind.AuditSample;
                    batch = store.ReadOldest(kind, size);
                }

                if (batch.Count == 0)
                {
                    await signal.WaitAsync(o.PollInterval, time, stoppingToken);
                    continue;
                }

                var result = await uploader.UploadAsync(batch, stoppingToken);
                switch (result.Outcome)
                {
                    case UploadOutcome.Acked:
                        metrics.OutboxUploaded.Add(store.Delete(result.AckedIds));
                        failures = 0;
                        isolate = false;
                        await Task.Delay(TimeSpan.FromSeconds(batch.Count / o.DrainRatePerSecond), time, stoppingToken);
                        break;
                    case UploadOutcome.Rejected when batch.Count > 1:
                        isolate = true;
                        break;
                    case UploadOutcome.Rejected:
                        metrics.RecordOutboxDrop(DropReasons.Rejected, OutboxStore.KindLabel(kind), store.Delete([batch[0].Id]));
                        Rejected(logger, batch[0].Id);
                        break;
                    default:
                        metrics.OutboxUploadFailures.Increment();
                        await Task.Delay(backoff.Next(failures++), time, stoppingToken);
                        break;
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                DrainFailed(logger, e);
                await Task.Delay(backoff.Next(failures++), time, stoppingToken).ContinueWith(static _ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "The cloud refused outbox entry {Id}; dropped")]
    private static partial void Rejected(ILogger logger, Guid id);

    [LoggerMessage(EventId = 6202, Level = LogLevel.Error, Message = "Outbox drain failed; retrying after a backoff")]
    private static partial void DrainFailed(ILogger logger, Exception exception);
}
