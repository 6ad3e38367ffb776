namespace Edge.Agent.Observability;

/// <summary>A value that goes up and down (queue depth), set by its owner, read lock-free.</summary>
internal sealed class Gauge
{
    private long _value;

    public long Value => Interlocked.Read(ref _value);

    public void Set(long value) => Interlocked.Exchange(ref _value, value);
}
