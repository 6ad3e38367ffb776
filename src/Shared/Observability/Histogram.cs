namespace Edge.Shared.Observability;

/// <summary>
/// Fixed-bucket histogram of seconds, lock-free. Each observation lands in exactly one bucket; the writer
/// turns them into Prometheus' cumulative <c>le</c> buckets. The sum is kept in integer microseconds so it
/// can be added atomically. Shared so the agent and the cloud count latency the same way.
/// </summary>
public sealed class Histogram
{
    /// <summary>10 µs … 5 s: a local answer takes a few µs on the digits model, a cloud round trip about a ms on loopback and tens on a WAN, the deadline about 1 s.</summary>
    public static readonly double[] LatencyBuckets = [0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly double[] _bounds;
    private readonly long[] _counts;
    private long _sumMicros;

    public Histogram(double[] upperBounds)
    {
        ArgumentNullException.ThrowIfNull(upperBounds);
        _bounds = [.. upperBounds];
        _counts = new long[upperBounds.Length + 1];
    }

    public IReadOnlyList<double> UpperBounds => _bounds;

    public double Sum => Interlocked.Read(ref _sumMicros) / 1e6;

    public void Observe(double seconds)
    {
        if (!(seconds >= 0))
        {
            return;
        }

        var bucket = Array.BinarySearch(_bounds, seconds);
        Interlocked.Increment(ref _counts[bucket >= 0 ? bucket : ~bucket]);
        Interlocked.Add(ref _sumMicros, (long)(seconds * 1e6));
    }

    /// <summary>Observations in bucket <paramref name="index"/> alone; the last index is the +Inf overflow.</summary>
    public long BucketCount(int index) => Interlocked.Read(ref _counts[index]);

    public int BucketSlots => _counts.Length;
}
