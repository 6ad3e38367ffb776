namespace Edge.Agent.Outbox;

using Edge.Agent.Routing;

/// <summary>Audit samples the cloud did not take live wait in the outbox; first to go when it is full (<see cref="OutboxKind.AuditSample"/>).</summary>
internal sealed class OutboxAuditSampleSink(OutboxWriter writer) : IAuditSampleSink
{
    public void Keep(AuditSample sample) => writer.Post(
        new OutboxEntry(sample.Id, sample.At, OutboxKind.AuditSample, sample.ContentType, sample.Body, sample.LocalLabel, sample.Score, AuditSample.Reason));
}
