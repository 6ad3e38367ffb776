namespace Edge.Bench;

using System.Globalization;
using Edge.Cloud.LoadControl;
using Edge.Cloud.Telemetry;
using Edge.Cloud.Thresholds;
using Edge.Shared.Config;
using Edge.Shared.Telemetry;
using Edge.TestSupport.Fleet;

/// <summary>
/// The load-step experiment (docs/load-control.md): a simulated fleet (real MQTT clients drawing requests from the
/// digits-edge held-out scores) against a real cloud and its load controller; the load triples at period 6.
/// Writes a CSV and a PNG and prints the accuracy the step cost.
/// </summary>
internal static class LoadStepBench
{
    private static readonly string[] Groups = ["line-a", "line-b"];

    public static async Task<int> RunAsync(string[] args)
    {
        var periods = AnswerPathBench.ArgInt(args, "--periods", 20);
        var devices = AnswerPathBench.ArgInt(args, "--devices", 20);
        var outDir = ArgString(args, "--out", ".");
        Directory.CreateDirectory(outDir);
        var (distribution, agreement) = HeldOutScores.Load();
        var accuracyPerBin = CurveEstimator.AccuracyPerBin(agreement)!;

        // Two groups, 2 and 1 req/s per device; the target is what the fleet sends the cloud at threshold 0.9 before the step.
        var baseRate = devices * 3.0;
        var target = Math.Round(baseRate * distribution.CloudShare(0.9), 1);
        await using var cloud = await BenchCloud.StartAsync();
        await using var fleet = await FleetSimulator.StartAsync(cloud.MqttPort, [(Groups[0], devices, 2.0), (Groups[1], devices, 1.0)], CancellationToken.None, distribution);
        foreach (var group in Groups)
        {
            await cloud.PutAsync($"/v1/thresholds/groups/{group}/bounds", """{"min":0.5,"max":0.99,"by":"bench"}""");
            await cloud.PutAsync($"/v1/thresholds/groups/{group}", """{"threshold":0.9,"by":"bench"}""");
        }

        await cloud.PutAsync("/v1/controller", string.Create(CultureInfo.InvariantCulture,
            $$"""{"enabled":true,"targetCloudRps":{{target}},"maxStep":0.1,"deadBand":0.2,"pinSeconds":0}"""));
        await ApplyAsync(cloud, fleet);

        var rows = new List<LoadStepRow>();
        for (var period = 0; period < periods; period++)
        {
            if (period == 6)
            {
                fleet.ScaleRate(3);
            }

            var thresholds = Groups.Select(g => fleet.Devices.First(d => d.Group == g).Threshold).ToArray();
            var totals = default(WindowTotals);
            var histograms = Groups.ToDictionary(g => g, _ => new long[ScoreBins.Count]);
            for (var w = 0; w < 3; w++)
            {
                totals = await cloud.StoredAsync(fleet.Devices.Count, () => fleet.PublishWindowAsync(10, CancellationToken.None));
            }

            // Expected accuracy: the curve's estimator on the last period's histograms, local accuracy from agreement with digits-cloud.
            var expected = 0.0;
            var requests = 0L;
            for (var g = 0; g < Groups.Length; g++)
            {
                var scores = cloud.Service<TelemetryAggregator>().Group(Groups[g])!.Scores;
                expected += CurveEstimator.ExpectedAccuracy(scores, accuracyPerBin, thresholds[g]) * scores.Sum();
                requests += scores.Sum();
            }

            rows.Add(new LoadStepRow(period, target, totals.CloudRate, totals.Requests / totals.Seconds, thresholds, expected / requests, totals.Accuracy));
            await ApplyAsync(cloud, fleet);
        }

        var csv = Path.Combine(outDir, "load-step.csv");
        var png = Path.Combine(outDir, "load-step.png");
        await File.WriteAllLinesAsync(csv, [
            "period,target_rps,cloud_rps,request_rps," + string.Join(',', Groups.Select(g => "threshold_" + g)) + ",expected_accuracy,measured_accuracy",
            .. rows.Select(r => r.Csv())]);
        LoadStepPlot.Write(png, rows, Groups);

        var moves = (await cloud.Service<AuditLog>().ReadAsync(10_000, CancellationToken.None)).Count(e => e.By == "controller");
        var back = rows.Skip(6).FirstOrDefault(r => r.CloudRate <= target)?.Period;
        var before = rows.Take(6).Last();
        var after = rows[^1];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"""
            load-step: {fleet.Devices.Count} simulated devices (real MQTT clients), held-out digits-edge scores ({distribution.Count}), embedded broker, target {target} req/s, step ×3 at period 6
            {string.Join(Environment.NewLine, rows.Select(r => r.Text()))}
            back under target at period {back?.ToString(CultureInfo.InvariantCulture) ?? "never"} ({(back is { } b ? b - 6 : -1)} periods after the step); {moves} controller moves, all audited
            accuracy before the step: expected {before.ExpectedAccuracy:0.0000} (agreement with digits-cloud), measured {before.MeasuredAccuracy:0.0000} (true labels)
            accuracy after the step:  expected {after.ExpectedAccuracy:0.0000}, measured {after.MeasuredAccuracy:0.0000}
            digits-edge alone {distribution.Accuracy(-1):0.0000}, digits-cloud alone {distribution.Accuracy(2):0.0000}
            wrote {csv} and {png}
            """));
        return 0;
    }

    /// <summary>One controller period, then waits until every device runs its group's stored threshold.</summary>
    private static async Task ApplyAsync(BenchCloud cloud, FleetSimulator fleet)
    {
        await cloud.Service<LoadController>().RunOnceAsync(CancellationToken.None);
        var repository = cloud.Service<ThresholdRepository>();
        foreach (var group in Groups)
        {
            if ((await repository.GetAsync(ConfigScope.Group, group, CancellationToken.None))?.Threshold is { } t)
            {
                await Task.WhenAll(fleet.Devices.Where(d => d.Group == group)
                    .Select(d => d.WaitForThresholdAsync(x => Math.Abs(x - t) < 1e-9, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30))));
            }
        }
    }

    internal static string ArgString(string[] args, string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }
}

internal sealed record LoadStepRow(int Period, double Target, double CloudRate, double RequestRate, double[] Thresholds, double ExpectedAccuracy, double MeasuredAccuracy)
{
    public string Csv() => string.Create(CultureInfo.InvariantCulture,
        $"{Period},{Target},{CloudRate:0.###},{RequestRate:0.###},{string.Join(',', Thresholds.Select(t => t.ToString("0.###", CultureInfo.InvariantCulture)))},{ExpectedAccuracy:0.####},{MeasuredAccuracy:0.####}");

    public string Text() => string.Create(CultureInfo.InvariantCulture,
        $"period {Period,2}  requests {RequestRate,6:0.0}/s  cloud {CloudRate,6:0.00}/s (target {Target})  thresholds {string.Join(" / ", Thresholds.Select(t => t.ToString("0.000", CultureInfo.InvariantCulture)))}  accuracy expected {ExpectedAccuracy:0.0000} measured {MeasuredAccuracy:0.0000}");
}
