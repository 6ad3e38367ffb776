namespace Edge.Cloud.Observability;

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
        PrometheusText.Family(text, name, "histogram", help);
        PrometheusText.HistogramSamples(text, name, _histogram);
    }
}
