namespace Edge.Shared.Tests.Observability;

using System.Text;
using Edge.Shared.Observability;
using Xunit;

public sealed class PrometheusTextTests
{
    [Fact]
    public void A_histogram_is_written_as_cumulative_buckets_ending_in_inf_with_its_sum_and_count()
    {
        var histogram = new Histogram([0.1, 1]);
        histogram.Observe(0.05);
        histogram.Observe(0.5);
        histogram.Observe(0.5);
        histogram.Observe(3);
        histogram.Observe(double.NaN);
        var text = new StringBuilder();

        PrometheusText.HistogramSamples(text, "latency_seconds", histogram, ("path", "local"));

        Assert.Equal(
            """
            latency_seconds_bucket{path="local",le="0.1"} 1
            latency_seconds_bucket{path="local",le="1"} 3
            latency_seconds_bucket{path="local",le="+Inf"} 4
            latency_seconds_sum{path="local"} 4.05
            latency_seconds_count{path="local"} 4

            """.ReplaceLineEndings("\n"),
            text.ToString());
    }

    [Fact]
    public void Label_values_are_escaped_and_special_numbers_spelled_the_prometheus_way()
    {
        var text = new StringBuilder();

        PrometheusText.Sample(text, "up", double.PositiveInfinity, ("reason", "a \"quoted\"\\path\nline"));

        Assert.Equal("up{reason=\"a \\\"quoted\\\"\\\\path\\nline\"} +Inf\n", text.ToString());
        Assert.Equal("NaN", PrometheusText.Number(double.NaN));
        Assert.Equal("-Inf", PrometheusText.Number(double.NegativeInfinity));
        Assert.Equal("0.25", PrometheusText.Number(0.25));
    }
}
