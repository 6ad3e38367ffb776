namespace Edge.Agent.Routing;

using System.Buffers;
using Edge.Agent.CloudClient;
using Edge.Agent.Observability;
using Microsoft.Extensions.Options;

/// <summary>
/// Sends a share of Local answers to the cloud in the background so the cloud can estimate local accuracy
/// per threshold. Never delays the caller: at most <see cref="RouterOptions.AuditMaxConcurrency"/> audits
/// run at once and any sample beyond that is dropped and counted, not queued.
/// </summary>
internal sealed partial class AuditSampler(
    CloudInferenceClient cloud,
    AgentMetrics metrics,
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
            metrics.AuditDropped.Increment();
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

    private async Task SendAsync(byte[] buffer, int length, string contentType, string localLabel, double score)
    {
        try
        {
            var result = await cloud.InferAsync(
                buffer.AsMemory(0, length), contentType, new CloudCallContext(CloudCallContext.Audit, localLabel, score), lifetime.ApplicationStopping);
            if (result.Answer is { } answer)
            {
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
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            Interlocked.Decrement(ref _inFlight);
        }
    }

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "An audit sample could not be sent to the cloud")]
    private static partial void AuditFailed(ILogger logger, Exception exception);
}
