namespace Edge.Agent.Outbox;

using Edge.Agent.Observability;
using Edge.Agent.Routing;

/// <summary>
/// Copies each LocalDegraded sample (the body is a pooled buffer) into an outbox entry with a fresh id and,
/// with <see cref="OutboxOptions.CommitBeforeAnswer"/>, waits until the entry's group commit is done.
/// </summary>
internal sealed class OutboxHardExampleSink(OutboxWriter writer, AgentMetrics metrics) : IHardExampleSink
{
    public ValueTask OfferAsync(HardExample example, CancellationToken cancellationToken)
    {
        metrics.HardExamples.Increment();

        // Version 7: time-ordered, so ids sort roughly like the samples themselves.
        return writer.EnqueueAsync(
            new OutboxEntry(
                Guid.CreateVersion7(example.At),
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
