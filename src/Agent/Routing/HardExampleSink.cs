namespace Edge.Agent.Routing;

using Edge.Agent.Observability;

/// <summary>
/// Where samples the edge was unsure of and the cloud could not answer go (LocalDegraded). The durable outbox
/// (<c>Outbox/</c>) replaces the counting implementation; register it with
/// <c>AddSingleton&lt;IHardExampleSink, ...&gt;</c> and the router uses it.
/// </summary>
internal interface IHardExampleSink
{
    /// <summary>
    /// Completes once the sample is kept as the sink promises (the outbox: committed to its file), which is
    /// before the router returns the LocalDegraded answer. Must never fail the request: problems are counted, not thrown.
    /// <see cref="HardExample.Body"/> is the caller's pooled buffer: copy it before the first await.
    /// </summary>
    ValueTask OfferAsync(HardExample example, CancellationToken cancellationToken);
}

/// <param name="Id">The sample's id (GUID v7), the one the fallback call sent as <c>X-Edge-Sample-Id</c>: the cloud's idempotency key.</param>
/// <param name="Body">The caller's original request body (tensor JSON or image bytes).</param>
internal readonly record struct HardExample(
    Guid Id,
    ReadOnlyMemory<byte> Body,
    string ContentType,
    string LocalLabel,
    double Score,
    string Reason,
    DateTimeOffset At);

/// <summary>Counts hard examples when no outbox is registered.</summary>
internal sealed class CountingHardExampleSink(AgentMetrics metrics) : IHardExampleSink
{
    public ValueTask OfferAsync(HardExample example, CancellationToken cancellationToken)
    {
        metrics.HardExamples.Increment();
        return ValueTask.CompletedTask;
    }
}
