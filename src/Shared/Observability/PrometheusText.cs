namespace Edge.Shared.Observability;

using System.Globalization;
using System.Text;

/// <summary>
/// The Prometheus text exposition format (0.0.4) both <c>/metrics</c> endpoints write: family headers, samples with
/// escaped labels, and cumulative histograms from the lock-free <see cref="Histogram"/>.
/// </summary>
public static class PrometheusText
{
    public static void Family(StringBuilder w, string name, string type, string help)
    {
        ArgumentNullException.ThrowIfNull(w);
        w.Append("# HELP ").Append(name).Append(' ').Append(help).Append('\n')
         .Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public static void Sample(StringBuilder w, string name, double value, params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(w);
        ArgumentNullException.ThrowIfNull(labels);
        w.Append(name);
        if (labels.Length > 0)
        {
            w.Append('{');
            for (var i = 0; i < labels.Length; i++)
            {
                w.Append(i == 0 ? string.Empty : ",").Append(labels[i].Name).Append("=\"").Append(Escape(labels[i].Value)).Append('"');
            }

            w.Append('}');
        }

        w.Append(' ').Append(Number(value)).Append('\n');
    }

    /// <summary>One family of a single unlabelled sample: a counter or a gauge.</summary>
    public static void Scalar(StringBuilder w, string name, string type, string help, double value)
    {
        Family(w, name, type, help);
        Sample(w, name, value);
    }

    /// <summary>The <c>_bucket</c> (cumulative, <c>le</c>), <c>_sum</c> and <c>_count</c> samples of one histogram series.</summary>
    public static void HistogramSamples(StringBuilder w, string name, Histogram histogram, params (string Name, string Value)[] labels)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        ArgumentNullException.ThrowIfNull(labels);
        long cumulative = 0;
        for (var i = 0; i < histogram.UpperBounds.Count; i++)
        {
            cumulative += histogram.BucketCount(i);
            Sample(w, name + "_bucket", cumulative, [.. labels, ("le", Number(histogram.UpperBounds[i]))]);
        }

        cumulative += histogram.BucketCount(histogram.BucketSlots - 1);
        Sample(w, name + "_bucket", cumulative, [.. labels, ("le", "+Inf")]);
        Sample(w, name + "_sum", histogram.Sum, labels);
        Sample(w, name + "_count", cumulative, labels);
    }

    public static string Number(double value) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        _ when double.IsNaN(value) => "NaN",
        _ => value.ToString("R", CultureInfo.InvariantCulture),
    };

    private static string Escape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
