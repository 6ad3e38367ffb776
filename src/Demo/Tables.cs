namespace Edge.Demo;

using System.Globalization;
using Edge.Shared.Inference;
using Spectre.Console;

internal static class Tables
{
    public static Table Cascade(IReadOnlyList<CascadeRow> rows, double edgeOnly, double cloudOnly)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title("[bold]Cascade[/]: answers split by calibrated confidence")
            .Caption($"cascade = accuracy of the answers given · edge-only {Pct(edgeOnly)} · cloud-only {Pct(cloudOnly)} · latencies inside the agent · applied = operator PUT → agent applied");
        foreach (var header in new[] { "threshold", "Local", "Cloud", "Degraded", "cascade", "Local ms p50/p95", "Cloud ms p50/p95", "applied ms" })
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        foreach (var row in rows)
        {
            var s = row.Stats;
            table.AddRow(row.Threshold, Pct(s.Share(Decision.Local)), Pct(s.Share(Decision.Cloud)), Pct(s.Share(Decision.LocalDegraded)),
                Pct(s.Accuracy), Latency(s, Decision.Local), Latency(s, Decision.Cloud),
                row.PropagationMs.ToString("0.0", CultureInfo.InvariantCulture));
        }

        return table;
    }

    public static Table Outage(double threshold, PathStats stats)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .Title($"[bold]Cloud stopped[/] at threshold {threshold:0.00}: the agent keeps answering");
        foreach (var header in new[] { "answered", "Local", "LocalDegraded", "accuracy", "Local ms p50/p95", "Degraded ms p50/p95" })
        {
            table.AddColumn(new TableColumn(header).RightAligned());
        }

        table.AddRow(stats.Count.ToString(CultureInfo.InvariantCulture), Pct(stats.Share(Decision.Local)),
            Pct(stats.Share(Decision.LocalDegraded)), Pct(stats.Accuracy), Latency(stats, Decision.Local), Latency(stats, Decision.LocalDegraded));
        return table;
    }

    private static string Pct(double x) => (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%";

    private static string Latency(PathStats s, Decision d)
    {
        var p50 = s.Percentile(d, 50);
        return double.IsNaN(p50) ? "–" : $"{p50.ToString("0.00", CultureInfo.InvariantCulture)}/{s.Percentile(d, 95).ToString("0.00", CultureInfo.InvariantCulture)}";
    }
}
