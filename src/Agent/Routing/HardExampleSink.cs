namespace Edge.Agent.Routing;

using Edge.Agent.Observability;

/// <summary>
/// Where samples the edge was unsure of and the cloud could not answer go (LocalDegraded). The durable
/// outbox (SQLite, uploaded later) replaces the counting implementation; register it with
/// <c>AddSingleton&lt;IHardExampleSink, ...&gt;</c> and the router uses it.
/// </summary>
internal interface IHardExampleSink
{
    /// <summary>Must not block. <see cref="HardExample.Body"/> is only valid during the call: copy it to keep it.</summary>
    void Offer(in HardExample example);
}

/// <param name="Body">The caller's original request body (tensor JSON or image bytes).</param>
internal readonly record struct HardExample(
    ReadOnlyMemory<byte> Body,
    string ContentType,
    string LocalLabel,
    double Score,
    string Reason,
    DateTimeOffset At);

/// <summary>Counts hard examples until the outbox exists.</summary>
internal sealed class CountingHardExampleSink(AgentMetrics metrics) : IHardExampleSink
{
    public void Offer(in HardExample example) => metrics.HardExamples.Increment();
}
