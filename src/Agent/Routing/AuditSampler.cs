namespace Edge.Agent.Routing;

using System.Buffers;
using Edge.Agent.CloudClient;
using Edge.Agent.Observability;
using Microsoft.Extensions.Options;

/// <summary>
/// Sends a share of Local answers to the cloud in the background so the cloud can estimate local accuracy
/// per threshold; the cloud stores each under its sample id with its own label. Never delays the caller: at most
/// <see cref="RouterOptions.AuditMaxConcurrency"/> audits run at once. A sample beyond that, or one the cloud did not
/// answer, goes to the <see cref="IAuditSampleSink"/> (the outbox), which uploads it when the link allows.
/// </summary>
internal sealed partial class AuditSampler(
    CloudInferenceClient cloud,
    IAuditSampleSink sink,
    AgentMetrics metrics,
    TimeProvider time,
    IOptions<RouterOptions> options,
    IHostApplicationLifetime lifetime,
    ILogger<AuditSampler> logger)
{
    private int _inFlight;

    public int InFlight => Volatile.Read(ref _inFlight);

    public void Offer(ReadOnlyMemory<byte> body, string contentType, double rate, string localLabel, double score)
    {
        if (!(rate > 0) || (rate < 1 && Random.Shared.NextDouble() >= rate))
        {
            return;
        }

        if (Interlocked.Increment(ref _inFlight) > options.Value.AuditMaxConcurrency)
        {
            Interlocked.Decrement(ref _inFlight);
            Defer(body, contentType, localLabel, score);
            return;
        }

        // The caller's buffer goes back to the pool when its request ends; the audit needs its own copy.
        var copy = ArrayPool<byte>.Shared.Rent(body.Length);
        body.CopyTo(copy);
        Start(copy, body.Length, contentType, localLabel, score);
    }

    /// <summary>
    /// Apart from <see cref="Offer"/> because a lambda's captures are allocated where its parameters come into scope:
    /// here only for a sample that is sent, not on every Local answer.
    /// </summary>
    private void Start(byte[] copy, int length, string contentType, string localLabel, double score) =>
        _ = Task.Run(() => SendAsync(copy, length, contentType, localLabel, score));

    private void Defer(ReadOnlyMemory<byte> body, string contentType, string localLabel, double score)
    {
        var now = time.GetUtcNow();
        metrics.AuditDeferred.Increment();
        sink.Keep(new AuditSample(Guid.CreateVersion7(now), body.ToArray(), contentType, localLabel, score, now));
    }

    private async Task SendAsync(byte[] buffer, int length, string contentType, string localLabel, double score)
    {
        var now = time.GetUtcNow();
        var id = Guid.CreateVersion7(now);
        var sent = false;
        try
        {
            var result = await cloud.InferAsync(
                buffer.AsMemory(0, length), contentType, new CloudCallContext(CloudCallContext.Audit, localLabel, score, id), lifetime.ApplicationStopping);
            if (result.Answer is { } answer)
            {
                sent = true;
                metrics.AuditSent.Increment();
                (string.Equals(answer.Label, localLabel, StringComparison.Ordinal) ? metrics.AuditAgreed : metrics.AuditDisagreed).Increment();
            }
            else
            {
                metrics.AuditFailed.Increment();
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            metrics.AuditFailed.Increment();
        }
        catch (Exception e)
        {
            metrics.AuditFailed.Increment();
            AuditFailed(logger, e);
        }

        try
        {
            if (!sent)
            {
                // Same id as the call: if the cloud stored the sample but its answer was lost, the upload is a duplicate.
                metrics.AuditDeferred.Increment();
                sink.Keep(new AuditSample(id, buffer.AsSpan(0, length).ToArray(), contentType, localLabel, score, now));
            }
        }
        catch (Exception e)
        {
            AuditFailed(logger, e);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "An audit sample could not be sent to the cloud")]
    private static partial void AuditFailed(ILogger logger, Exception exception);
}
