namespace Edge.Agent.Tests.Telemetry;

using System.Globalization;
using System.Text.Json;
using Edge.Agent.Mqtt;
using Edge.Agent.Observability;
using Edge.Agent.Outbox;
using Edge.Agent.Telemetry;
using Edge.Agent.Tests.Mqtt;
using Edge.Agent.Tests.Support;
using Edge.Shared.Inference;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Edge.TestSupport;
using Edge.TestSupport.Mosquitto;
using Xunit;

/// <summary>
/// The real agent against a real broker. The window timer is set to an hour so it never fires: windows are closed by
/// the test through <see cref="TelemetryPublisher.CloseWindowAsync"/>, on explicit timestamps.
/// </summary>
public sealed class TelemetryPublisherTests
{
    private const string Device = "tele-dev";

    // Recent, not a fixed date: the outbox expires entries older than its TTL by their window's end.
    private readonly DateTimeOffset _t0 = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_window_carries_the_counts_and_score_histogram_of_the_requests_answered_in_it()
    {
        await using var broker = await MosquittoBroker.StartAsync(Ct);
        await using var cloud = await FakeCloud.StartAsync();
        await using var agent = await StartAgentAsync(broker.Port, cloud.BaseUrl);
        await using var peer = await TestMqttClient.ConnectAsync(broker.Port, Ct);
        await peer.SubscribeAsync(Topics.Telemetry(Device), Ct);

        var answers = new List<InferenceAnswer>();
        foreach (var sample in HeldOut.Digits.Take(30))
        {
            answers.Add(await agent.Http.InferAsync(Requests.Tensor(sample.Pixels)));
        }

        await agent.Service<TelemetryPublisher>().CloseWindowAsync(_t0, _t0.AddSeconds(10), Ct);
        var window = await peer.WaitForAsync(Topics.Telemetry(Device), EdgeJsonContext.Default.TelemetryWindow, _ => true, Ct);

        Assert.Equal(30, window.Requests);
        Assert.Equal(answers.Count(a => a.Decision == Decision.Local), window.Local);
        Assert.Equal(answers.Count(a => a.Decision == Decision.Cloud), window.Cloud);
        Assert.True(window.Local > 0 && window.Cloud > 0, $"threshold 0.9 should split the digits: {window.Local} local, {window.Cloud} cloud");
        var expected = new long[ScoreBins.Count];
        foreach (var a in answers)
        {
            expected[ScoreBins.Of(a.Score)]++;
        }

        Assert.Equal(expected, window.Scores);
        Assert.Equal((Device, "tele-group", _t0, _t0.AddSeconds(10)), (window.DeviceId, window.Group, window.Start, window.End));
        Assert.Null(TelemetryRules.Validate(window, Device));

        // The next window holds only what came after the cut.
        await agent.Http.InferAsync(Requests.Tensor(HeldOut.Digits[40].Pixels));
        await agent.Service<TelemetryPublisher>().CloseWindowAsync(_t0.AddSeconds(10), _t0.AddSeconds(20), Ct);
        var next = await peer.WaitForAsync(Topics.Telemetry(Device), EdgeJsonContext.Default.TelemetryWindow, _ => true, Ct);
        Assert.Equal(1, next.Requests);
        Assert.Equal(1, next.Scores.Sum());
    }

    [Fact]
    public async Task Windows_closed_while_the_broker_is_down_are_published_oldest_first_and_once_when_it_is_back()
    {
        await using var broker = await MosquittoBroker.StartAsync(Ct);
        await using var cloud = await FakeCloud.StartAsync();
        await using var agent = await StartAgentAsync(broker.Port, cloud.BaseUrl);
        var publisher = agent.Service<TelemetryPublisher>();
        var outbox = agent.Service<OutboxStore>();
        var mqtt = agent.Service<AgentMqttConnection>();

        await broker.StopAsync();
        await Requests.EventuallyAsync(() => !mqtt.IsConnected, "the agent to notice the broker is gone");
        for (var i = 0; i < 3; i++)
        {
            await publisher.CloseWindowAsync(_t0.AddSeconds(10 * i), _t0.AddSeconds(10 * (i + 1)), Ct);
        }

        await Requests.EventuallyAsync(() => outbox.ReadOldest(OutboxKind.Telemetry, 10).Count == 3, "three windows in the outbox");
        var kept = outbox.ReadOldest(OutboxKind.Telemetry, 10)
            .Select(e => JsonSerializer.Deserialize(e.Payload, EdgeJsonContext.Default.TelemetryWindow)!.Id).ToList();

        await broker.StartAgainAsync(Ct);
        await mqtt.WaitUntilConnectedAsync(Ct);
        await using var peer = await TestMqttClient.ConnectAsync(broker.Port, Ct);
        await peer.SubscribeAsync(Topics.Telemetry(Device), Ct);
        await publisher.CloseWindowAsync(_t0.AddSeconds(30), _t0.AddSeconds(40), Ct);
        await publisher.CloseWindowAsync(_t0.AddSeconds(40), _t0.AddSeconds(50), Ct);

        var received = new List<TelemetryWindow>();
        for (var i = 0; i < 5; i++)
        {
            received.Add(await peer.WaitForAsync(Topics.Telemetry(Device), EdgeJsonContext.Default.TelemetryWindow, _ => true, Ct));
        }

        Assert.Equal(kept, received.Take(3).Select(w => w.Id));
        Assert.Equal([0, 10, 20, 30, 40], received.Select(w => (int)(w.Start - _t0).TotalSeconds));
        Assert.Equal(5, received.Select(w => w.Id).Distinct().Count());
        Assert.Empty(outbox.ReadOldest(OutboxKind.Telemetry, 10));
    }

    [Fact]
    public async Task Windows_kept_offline_are_bounded_by_the_outbox_which_drops_the_oldest_and_counts_them()
    {
        await using var broker = await MosquittoBroker.StartAsync(Ct);
        await using var cloud = await FakeCloud.StartAsync();
        await using var agent = await StartAgentAsync(broker.Port, cloud.BaseUrl, new() { ["Outbox:MaxEntries"] = "2" });
        var publisher = agent.Service<TelemetryPublisher>();
        var outbox = agent.Service<OutboxStore>();
        var metrics = agent.Service<AgentMetrics>();

        await broker.StopAsync();
        await Requests.EventuallyAsync(() => !agent.Service<AgentMqttConnection>().IsConnected, "the agent to notice the broker is gone");
        for (var i = 0; i < 5; i++)
        {
            await publisher.CloseWindowAsync(_t0.AddSeconds(10 * i), _t0.AddSeconds(10 * (i + 1)), Ct);
            await Requests.EventuallyAsync(() => metrics.OutboxEnqueued.Value == i + 1, $"window {i} committed");
        }

        var starts = outbox.ReadOldest(OutboxKind.Telemetry, 10)
            .Select(e => (int)(JsonSerializer.Deserialize(e.Payload, EdgeJsonContext.Default.TelemetryWindow)!.Start - _t0).TotalSeconds);
        Assert.Equal([30, 40], starts);
        Assert.Equal(3, metrics.OutboxDropped.Where(d => d.Key.Kind == "telemetry").Sum(d => d.Value.Value));
        var text = await agent.Http.GetStringAsync("/metrics", Ct);
        Assert.Contains("edge_agent_outbox_dropped_total{reason=\"full\",kind=\"telemetry\"} 3", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_registered_publisher_sends_windows_on_its_own_timer()
    {
        await using var broker = await MosquittoBroker.StartAsync(Ct);
        await using var cloud = await FakeCloud.StartAsync();
        await using var peer = await TestMqttClient.ConnectAsync(broker.Port, Ct);
        await peer.SubscribeAsync(Topics.Telemetry(Device), Ct);
        await using var agent = await StartAgentAsync(broker.Port, cloud.BaseUrl, new() { ["Telemetry:Interval"] = "00:00:00.200" });

        var window = await peer.WaitForAsync(Topics.Telemetry(Device), EdgeJsonContext.Default.TelemetryWindow, _ => true, Ct);

        Assert.Equal(Device, window.DeviceId);
        Assert.Equal(ScoreBins.Count, window.Scores.Length);
    }

    private static Task<TestAgentHost> StartAgentAsync(int port, string cloudUrl, Dictionary<string, string?>? extra = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Agent:DeviceId"] = Device,
            ["Agent:Group"] = "tele-group",
            ["Mqtt:Enabled"] = "true",
            ["Mqtt:Port"] = port.ToString(CultureInfo.InvariantCulture),
            ["Mqtt:ReconnectMinDelay"] = "00:00:00.050",
            ["Mqtt:ReconnectMaxDelay"] = "00:00:00.200",
            ["Routing:DefaultThreshold"] = "0.9",
            ["Routing:DefaultAuditSampleRate"] = "0",
            ["Telemetry:Interval"] = "01:00:00",
        };
        foreach (var (k, v) in extra ?? [])
        {
            settings[k] = v;
        }

        return TestAgentHost.StartAsync(cloudUrl, settings);
    }
}
