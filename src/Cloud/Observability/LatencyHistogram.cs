namespace Edge.Cloud.Observability;

using System.Globalization;
using System.Text;

/// <summary>A fixed-bucket latency histogram updated with interlocked adds only (no locks on the request path).</summary>
internal sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds, Prometheus style (cumulative when written).</summary>
    private static readonly double[] Bounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

    private readonly long[] _counts = new long[Bounds.Length + 1];
    private long _sumMicroseconds;

    public void Record(TimeSpan elapsed)
    {
        var seconds = elapsed.TotalSeconds;
        var bucket = 0;
        while (bucket < Bounds.Length && seconds > Bounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _counts[bucket]);
        Interlocked.Add(ref _sumMicroseconds, (long)(elapsed.Ticks / 10));
    }

    public void WriteTo(StringBuilder text, string name, string help)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" histogram\n");
        long cumulative = 0;
        for (var i = 0; i < Bounds.Length; i++)
        {
            cumulative += Volatile.Read(ref _counts[i]);
            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"{Bounds[i]}\"}} {cumulative}\n");
        }

        cumulative += Volatile.Read(ref _counts[Bounds.Length]);
        text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"+Inf\"}} {cumulative}\n");
        text.Append(CultureInfo.InvariantCulture, $"{name}_sum {Volatile.Read(ref _sumMicroseconds) / 1e6}\n");
        text.Append(CultureInfo.InvariantCulture, $"{name}_count {cumulative}\n");
    }
}
