namespace Edge.Agent.Serving;

/// <summary>
/// Local-run latencies (the last <see cref="Capacity"/>) and inference errors of one served model. Recording is two
/// interlocked operations and allocates nothing; percentiles are computed only when the health window asks.
/// </summary>
internal sealed class LocalRunStats
{
    public const int Capacity = 2048;

    private readonly long[] _ticks = new long[Capacity];
    private long _runs;
    private long _errors;

    public long Runs => Interlocked.Read(ref _runs);

    public long Errors => Interlocked.Read(ref _errors);

    /// <summary>Runs that completed plus runs that failed.</summary>
    public long Requests => Runs + Errors;

    public double ErrorRate => Requests == 0 ? 0 : (double)Errors / Requests;

    public void RecordRun(TimeSpan elapsed)
    {
        var i = Interlocked.Increment(ref _runs) - 1;
        Volatile.Write(ref _ticks[i % Capacity], elapsed.Ticks);
    }

    public void RecordError() => Interlocked.Increment(ref _errors);

    /// <summary>The 99th percentile of the recorded local runs in milliseconds; null before the first run.</summary>
    public double? P99Milliseconds()
    {
        var count = (int)Math.Min(Runs, Capacity);
        if (count == 0)
        {
            return null;
        }

        var copy = new long[count];
        for (var i = 0; i < count; i++)
        {
            copy[i] = Volatile.Read(ref _ticks[i]);
        }

        Array.Sort(copy);
        var rank = (int)Math.Ceiling(0.99 * count) - 1;
        return TimeSpan.FromTicks(copy[Math.Clamp(rank, 0, count - 1)]).TotalMilliseconds;
    }
}
