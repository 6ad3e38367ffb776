namespace Edge.Cloud.Observability;

using System.Globalization;
using System.Text;
using Edge.Shared.Observability;

/// <summary>The cloud's request latency: the shared lock-free <see cref="Histogram"/> with the cloud's buckets and its text form.</summary>
internal sealed class LatencyHistogram
{
    /// <summary>Upper bounds in seconds, Prometheus style (cumulative when written).</summary>
    private readonly Histogram _histogram = new([0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5]);

    public void Record(TimeSpan elapsed) => _histogram.Observe(elapsed.TotalSeconds);

    public void WriteTo(StringBuilder text, string name, string help)
    {
        text.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n');
        text.Append("# TYPE ").Append(name).Append(" histogram\n");
        long cumulative = 0;
        for (var i = 0; i < _histogram.UpperBounds.Count; i++)
        {
            cumulative += _histogram.BucketCount(i);
            text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"{_histogram.UpperBounds[i]}\"}} {cumulative}\n");
        }

        cumulative += _histogram.BucketCount(_histogram.BucketSlots - 1);
        text.Append(CultureInfo.InvariantCulture, $"{name}_bucket{{le=\"+Inf\"}} {cumulative}\n");
        text.Append(CultureInfo.InvariantCulture, $"{name}_sum {_histogram.Sum}\n");
        text.Append(CultureInfo.InvariantCulture, $"{name}_count {cumulative}\n");
    }
}
