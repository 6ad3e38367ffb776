namespace Edge.Bench;

using System.Diagnostics;
using System.Globalization;
using Edge.Demo;
using Edge.TestSupport.Fleet;

/// <summary>
/// Time for a group threshold change to reach N simulated devices (default 1,000), each a real MQTT client on the
/// cloud's embedded broker: from just before the PUT on the Cloud API to each device applying the new threshold.
/// </summary>
internal static class FleetPropagationBench
{
    private const string Group = "fleet-prop";

    public static async Task<int> RunAsync(string[] args)
    {
        var count = AnswerPathBench.ArgInt(args, "--devices", 1000);
        var changes = AnswerPathBench.ArgInt(args, "--changes", 10);
        await using var cloud = await BenchCloud.StartAsync();
        var connect = Stopwatch.StartNew();
        await using var fleet = await FleetSimulator.StartAsync(cloud.MqttPort, [(Group, count, 0)], CancellationToken.None, parallel: 64);
        var connected = connect.Elapsed;

        var all = new List<double>(count * changes);
        var perChange = new List<(double P50, double P99, double Max)>();
        for (var i = -2; i < changes; i++)
        {
            // Two warm-up changes; thresholds alternate so every change is a real change.
            var threshold = Math.Round(0.8 + (0.01 * ((i + 2) % 10)) + 0.001, 3);
            var started = Stopwatch.GetTimestamp();
            await cloud.PutAsync($"/v1/thresholds/groups/{Group}", string.Create(CultureInfo.InvariantCulture, $$"""{"threshold":{{threshold}},"by":"bench"}"""));
            await Task.WhenAll(fleet.Devices.Select(d => d.WaitForThresholdAsync(t => Math.Abs(t - threshold) < 1e-9, CancellationToken.None))).WaitAsync(TimeSpan.FromSeconds(60));
            var ms = fleet.Devices.Select(d => Stopwatch.GetElapsedTime(started, d.AppliedAt).TotalMilliseconds).Order().ToArray();
            if (i >= 0)
            {
                all.AddRange(ms);
                perChange.Add((Percentiles.Of(ms, 50), Percentiles.Of(ms, 99), ms[^1]));
            }
        }

        var sorted = all.Order().ToArray();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            fleet-propagation: {count} simulated devices (real MQTT clients, QoS 1) on the embedded MQTTnet broker, connected in {connected.TotalSeconds:0.0} s; {changes} group threshold changes after 2 warm-up
            PUT → device applied, all devices × changes: p50 {Percentiles.Of(sorted, 50):0.0} ms   p99 {Percentiles.Of(sorted, 99):0.0} ms   max {sorted[^1]:0.0} ms
            per change (p50 / p99 / max ms): {string.Join("; ", perChange.Select(c => $"{c.P50:0} / {c.P99:0} / {c.Max:0}"))}
            """));
        return 0;
    }
}
