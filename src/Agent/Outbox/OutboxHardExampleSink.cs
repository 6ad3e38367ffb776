namespace Edge.Agent.Outbox;

using Edge.Agent.Observability;
using Edge.Agent.Routing;

/// <summary>
/// Copies each LocalDegraded sample (the body is a pooled buffer) into an outbox entry under its id and,
/// with <see cref="OutboxOptions.CommitBeforeAnswer"/>, waits until the entry's group commit is done.
/// </summary>
internal sealed class OutboxHardExampleSink(OutboxWriter writer, AgentMetrics metrics) : IHardExampleSink
{
    public ValueTask OfferAsync(HardExample example, CancellationToken cancellationToken)
    {
        metrics.HardExamples.Increment();

        // The router's id (version 7, time-ordered), the one the fallback call sent: if the cloud stored the sample
        // but its answer was lost, the upload is a duplicate and the sample stays one row.
        return writer.EnqueueAsync(
            new OutboxEntry(
                example.Id,
                example.At,
                OutboxKind.HardExample,
                example.ContentType,
                example.Body.ToArray(),
                example.LocalLabel,
                example.Score,
                example.Reason),
            cancellationToken);
    }
}
