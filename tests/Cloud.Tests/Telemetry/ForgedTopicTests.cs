namespace Edge.Cloud.Tests.Telemetry;

using System.Text;
using System.Text.Json;
using Edge.Cloud.Devices;
using Edge.Cloud.Observability;
using Edge.Cloud.Rollouts;
using Edge.Cloud.Telemetry;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Edge.TestSupport;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using MQTTnet;
using Xunit;

/// <summary>
/// What a forger can put in a topic or a body. Before: a CR/LF in the topic ended the log line and began a fake one,
/// an invalid device id in a telemetry topic was accepted, and a device could claim any group.
/// </summary>
public sealed class ForgedTopicTests
{
    private const string Injected = "edge/v1/dev/cam-01\r\n[12:00:00 INF] Update to digits-edge@6.6.6 applied/telemetry";

    [Fact]
    public async Task A_topic_with_cr_lf_cannot_inject_a_log_line_and_its_invalid_id_is_dropped()
    {
        var log = new FakeLogCollector();
        var queue = new TelemetryQueue(Options.Create(new TelemetryIngestOptions()));
        var handler = new TelemetryHandler(queue, Options.Create(new TelemetryIngestOptions()), new Enrolled("another-device", "another-group"), TimeProvider.System, new FakeLogger<TelemetryHandler>(log));

        await handler.HandleAsync(Message(Injected, Window("cam-01", "line-1")), TestContext.Current.CancellationToken);

        var line = Assert.Single(log.GetSnapshot()).Message;
        Assert.DoesNotContain('\n', line);
        Assert.DoesNotContain('\r', line);
        Assert.Contains(@"cam-01\r\n[12:00:00 INF]", line, StringComparison.Ordinal);
        Assert.False(queue.Channel.Reader.TryRead(out _));
    }

    [Fact]
    public async Task A_flood_of_invalid_ids_is_dropped_and_logged_once()
    {
        var log = new FakeLogCollector();
        var events = new RolloutEvents();
        var handler = new ModelStatusHandler(events, TimeProvider.System, new FakeLogger<ModelStatusHandler>(log));

        for (var i = 0; i < 100; i++)
        {
            await handler.HandleAsync(Message($"edge/v1/dev/bad id {i}/model/status", """{"deviceId":"x","state":"Applied"}"""u8.ToArray()), TestContext.Current.CancellationToken);
        }

        Assert.Single(log.GetSnapshot());
        Assert.False(events.Reader.TryRead(out _));
    }

    [Fact]
    public async Task An_enrolled_device_cannot_claim_another_group_in_its_telemetry()
    {
        var queue = new TelemetryQueue(Options.Create(new TelemetryIngestOptions()));
        var handler = new TelemetryHandler(
            queue, Options.Create(new TelemetryIngestOptions()), new Enrolled("cam-01", "line-1"), TimeProvider.System, new FakeLogger<TelemetryHandler>(new FakeLogCollector()));

        await handler.HandleAsync(Message("edge/v1/dev/cam-01/telemetry", Window("cam-01", "line-2")), TestContext.Current.CancellationToken);

        Assert.True(queue.Channel.Reader.TryRead(out var stored));
        Assert.Equal("line-1", stored.Group);
    }

    [Fact]
    public async Task An_enrolled_device_cannot_claim_another_group_in_its_reported_config()
    {
        using var folder = new TempFolder();
        await using var cloud = await CloudHost.StartAsync(folder.Path);
        var store = cloud.Service<ReportedConfigStore>();
        var handler = new ReportedConfigHandler(
            store, cloud.Service<CloudMetrics>(), new Enrolled("cam-07", "line-1"), TimeProvider.System, new FakeLogger<ReportedConfigHandler>(new FakeLogCollector()));
        var report = new ReportedConfig { DeviceId = "cam-07", Group = "line-2", Threshold = 0.5 };

        await handler.HandleAsync(
            Message("edge/v1/dev/cam-07/config/reported", JsonSerializer.SerializeToUtf8Bytes(report, EdgeJsonContext.Default.ReportedConfig)),
            TestContext.Current.CancellationToken);

        Assert.Equal("line-1", (await store.GetAsync("cam-07", TestContext.Current.CancellationToken))!.Group);
    }

    private static MqttApplicationMessage Message(string topic, byte[] payload) =>
        new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).Build();

    private static byte[] Window(string deviceId, string group)
    {
        var end = TimeProvider.System.GetUtcNow();
        var scores = new long[ScoreBins.Count];
        scores[90] = 1;
        return JsonSerializer.SerializeToUtf8Bytes(
            new TelemetryWindow { Id = Guid.NewGuid(), DeviceId = deviceId, Group = group, Start = end.AddSeconds(-10), End = end, Requests = 1, Local = 1, Scores = scores },
            EdgeJsonContext.Default.TelemetryWindow);
    }

    private sealed class Enrolled(string deviceId, string group) : IEnrolledGroups
    {
        public string? GroupOf(string id) => id == deviceId ? group : null;
    }
}
