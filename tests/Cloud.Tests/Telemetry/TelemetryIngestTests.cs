namespace Edge.Cloud.Tests.Telemetry;

using Edge.Cloud.LoadControl;
using Edge.Cloud.Telemetry;
using Edge.Cloud.Tests.LoadControl;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Edge.TestSupport;
using Edge.TestSupport.Fleet;
using Xunit;

public sealed class TelemetryIngestTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Group_telemetry_sums_the_devices_and_the_curve_follows_the_histogram()
    {
        await using var h = await LoadControlHarness.StartAsync([("tel-a", 4, 3.0)], Ct);
        (await h.Cloud.Http.PutJsonAsync("/v1/thresholds/groups/tel-a", """{"threshold":0.9}""", Ct)).EnsureSuccessStatusCode();
        await h.RunControllerAsync(Ct);
        await h.PublishAsync(2, Ct);

        var group = await (await h.Cloud.Http.GetAsync("/v1/telemetry/groups/tel-a", Ct)).ReadAsync(EdgeJsonContext.Default.GroupTelemetry, Ct);
        var curve = await (await h.Cloud.Http.GetAsync("/v1/curve/tel-a", Ct)).ReadAsync(EdgeJsonContext.Default.WhatIfCurve, Ct);

        Assert.Equal(4, group.Devices);
        Assert.Equal(12, group.RequestRate, 6);
        Assert.Equal(ScoreDistribution.Synthetic.CloudShare(0.9), group.CloudShare, 1);
        Assert.Equal(0.9, group.Threshold!.Value, 9);
        Assert.Equal(50, curve.Points.Length);
        var at90 = curve.Points.Single(p => Math.Abs(p.Threshold - 0.9) < 1e-9);
        Assert.Equal(1 - ScoreDistribution.Synthetic.CloudShare(0.9), at90.LocalShare, 1);
        Assert.Equal(12 * ScoreDistribution.Synthetic.CloudShare(0.9), at90.ExpectedCloudRate, 0);
        Assert.Null(at90.ExpectedAccuracy);
        Assert.True(curve.Points.Zip(curve.Points.Skip(1)).All(p => p.First.LocalShare >= p.Second.LocalShare));
    }

    [Fact]
    public void The_estimator_weights_local_accuracy_by_the_histogram_and_counts_the_cloud_share_as_correct()
    {
        var scores = new long[ScoreBins.Count];
        scores[60] = 50;  // half the requests score 0.60–0.61
        scores[99] = 50;  // half score 0.99–1.00
        var samples = Enumerable.Range(0, 10).Select(i => (0.605, i < 6)).Concat(Enumerable.Range(0, 10).Select(_ => (0.995, true))).ToList();

        var accuracy = CurveEstimator.AccuracyPerBin(samples)!;

        Assert.Equal(0.8, CurveEstimator.ExpectedAccuracy(scores, accuracy, 0.5), 9);   // 0.5 × 0.6 + 0.5 × 1
        Assert.Equal(1.0, CurveEstimator.ExpectedAccuracy(scores, accuracy, 0.7), 9);   // the low half goes to the cloud
        Assert.Equal(0.5, CurveEstimator.CloudShare(scores, 0.7), 9);
        Assert.InRange(CurveEstimator.Quantile(scores, 0.25), 0.60, 0.61);
    }

    [Fact]
    public async Task A_window_sent_twice_is_stored_once_and_an_invalid_one_is_dropped()
    {
        using var folder = new TempFolder();
        await using var cloud = await CloudHost.StartAsync(folder.Path);
        await using var probe = await MqttProbe.ConnectAsync(cloud.MqttPort, Ct);
        var aggregator = cloud.Service<TelemetryAggregator>();
        var bins = new long[ScoreBins.Count];
        bins[95] = 10;
        var window = new TelemetryWindow
        {
            Id = Guid.CreateVersion7(), DeviceId = "twice-1", Group = "twice", Start = DateTimeOffset.UtcNow.AddSeconds(-10),
            End = DateTimeOffset.UtcNow, Requests = 10, Local = 10, Scores = bins, Threshold = 0.8,
        };
        var json = System.Text.Json.JsonSerializer.Serialize(window, EdgeJsonContext.Default.TelemetryWindow);
        var bad = json.Replace("\"requests\":10", "\"requests\":11", StringComparison.Ordinal);
        var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        aggregator.Added += w => stored.TrySetResult();

        await probe.PublishAsync(Edge.Shared.Mqtt.Topics.Telemetry("twice-1"), bad, retain: false, Ct);
        await probe.PublishAsync(Edge.Shared.Mqtt.Topics.Telemetry("twice-1"), json, retain: false, Ct);
        await probe.PublishAsync(Edge.Shared.Mqtt.Topics.Telemetry("twice-1"), json, retain: false, Ct);
        await stored.Task.WaitAsync(Ct);

        // The third message went through the same ordered queue: once a fourth, valid window shows up, the duplicate is behind us.
        var next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        aggregator.Added += w => { if (w.DeviceId == "twice-2") { next.TrySetResult(); } };
        await probe.PublishAsync(Edge.Shared.Mqtt.Topics.Telemetry("twice-2"), json.Replace("twice-1", "twice-2", StringComparison.Ordinal).Replace(window.Id.ToString(), Guid.CreateVersion7().ToString(), StringComparison.Ordinal), retain: false, Ct);
        await next.Task.WaitAsync(Ct);

        Assert.Equal(20, aggregator.Group("twice")!.Scores.Sum());
        Assert.Equal(2, aggregator.Count);
    }

    [Fact]
    public async Task Windows_stored_before_a_restart_are_back_in_the_group_rates_after_it()
    {
        using var folder = new TempFolder();
        var bins = new long[ScoreBins.Count];
        bins[90] = 7;
        var window = new TelemetryWindow
        {
            Id = Guid.CreateVersion7(), DeviceId = "restart-1", Group = "restart", Start = DateTimeOffset.UtcNow.AddSeconds(-10),
            End = DateTimeOffset.UtcNow, Requests = 7, Local = 7, Scores = bins, Threshold = 0.8,
        };
        await using (var cloud = await CloudHost.StartAsync(folder.Path))
        {
            await using var probe = await MqttProbe.ConnectAsync(cloud.MqttPort, Ct);
            var stored = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            cloud.Service<TelemetryAggregator>().Added += _ => stored.TrySetResult();
            await probe.PublishAsync(
                Edge.Shared.Mqtt.Topics.Telemetry("restart-1"), System.Text.Json.JsonSerializer.Serialize(window, EdgeJsonContext.Default.TelemetryWindow), retain: false, Ct);
            await stored.Task.WaitAsync(Ct);
        }

        await using var restarted = await CloudHost.StartAsync(folder.Path);
        var aggregator = restarted.Service<TelemetryAggregator>();
        var reloaded = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        aggregator.Added += w => { if (w.Id == window.Id) { reloaded.TrySetResult(); } };
        if (aggregator.Group("restart") is null)
        {
            await reloaded.Task.WaitAsync(TimeSpan.FromSeconds(30), Ct);
        }

        Assert.Equal(7, aggregator.Group("restart")!.Scores.Sum());
    }
}
