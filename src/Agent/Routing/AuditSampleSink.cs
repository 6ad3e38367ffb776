namespace Edge.Agent.Routing;

using Edge.Agent.Observability;

/// <summary>
/// Where an audit sample goes when it cannot be sent live (the cloud is unreachable, throttled, or audits are at their
/// concurrency limit): the durable outbox (<c>Outbox/</c>) uploads it later under the same id. Never blocks: it is not
/// a promise made to a caller, so it does not wait for the commit.
/// </summary>
internal interface IAuditSampleSink
{
    /// <summary>Takes ownership of <see cref="AuditSample.Body"/>.</summary>
    void Keep(AuditSample sample);
}

/// <param name="Id">The id the live call sent as <c>X-Edge-Sample-Id</c>: if the cloud stored it but the answer was lost, the upload is a duplicate.</param>
internal sealed record AuditSample(Guid Id, byte[] Body, string ContentType, string LocalLabel, double Score, DateTimeOffset At)
{
    /// <summary>The reason audit samples carry in the cloud's sample store (<c>/v1/hard-examples?reason=audit</c>).</summary>
    public const string Reason = "audit";
}

/// <summary>Without an outbox an audit sample that cannot be sent is dropped, and counted.</summary>
internal sealed class DroppingAuditSampleSink(AgentMetrics metrics) : IAuditSampleSink
{
    public void Keep(AuditSample sample) => metrics.AuditDropped.Increment();
}
