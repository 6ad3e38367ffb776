namespace Edge.Cloud.Tests.Mqtt;

using System.Globalization;
using Edge.Cloud.Devices;
using Edge.Cloud.Tests.Support;
using Edge.Cloud.Thresholds;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Edge.TestSupport.Mosquitto;
using Xunit;

/// <summary>The cloud against a real Mosquitto (<c>Mqtt:Embedded=false</c>), including the broker crashing and coming back.</summary>
public sealed class ExternalBrokerTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_cloud_publishes_and_receives_through_mosquitto_and_republishes_after_the_broker_restarts()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        await using var broker = await MosquittoBroker.StartAsync(deadline.Token);
        await using var cloud = await CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>
        {
            ["Mqtt:Embedded"] = "false",
            ["Mqtt:Host"] = MosquittoBroker.Host,
            ["Mqtt:Port"] = broker.Port.ToString(CultureInfo.InvariantCulture),
        });
        var topic = Topics.GroupDesired("ext-line");

        // Desired config lands retained on Mosquitto.
        var first = await (await cloud.Http.PutJsonAsync("/v1/thresholds/groups/ext-line", """{"threshold":0.6}""", deadline.Token))
            .ReadAsync(EdgeJsonContext.Default.ScopeSetting, deadline.Token);
        await using (var device = await MqttProbe.ConnectAsync(broker.Port, deadline.Token))
        {
            await device.SubscribeAsync(topic, deadline.Token);
            var (config, retained) = await device.WaitForDesiredAsync(topic, _ => true, deadline.Token);
            Assert.True(retained);
            Assert.Equal(first.Version, config.Version);

            // A device's report through Mosquitto reaches the devices API.
            var seen = cloud.Service<ReportedConfigStore>().WaitForAsync("ext-dev", r => r.GroupVersion == first.Version, deadline.Token);
            await device.PublishReportedAsync(new ReportedConfig { DeviceId = "ext-dev", Group = "ext-line", Threshold = 0.6, GroupVersion = first.Version }, deadline.Token);
            await seen;
        }

        // The broker dies (losing its retained messages: no persistence); a change made meanwhile is stored, not lost.
        await broker.StopAsync();
        var whileDown = await cloud.Http.PutJsonAsync("/v1/thresholds/groups/ext-line", """{"threshold":0.35}""", deadline.Token);
        var second = await whileDown.ReadAsync(EdgeJsonContext.Default.ScopeSetting, deadline.Token);
        await broker.StartAgainAsync(deadline.Token);

        await using var watcher = await MqttProbe.ConnectAsync(broker.Port, deadline.Token);
        await watcher.SubscribeAsync(topic, deadline.Token);
        var (republished, _) = await watcher.WaitForDesiredAsync(topic, c => c.Version == second.Version, deadline.Token);
        await using var late = await MqttProbe.ConnectAsync(broker.Port, deadline.Token);
        await late.SubscribeAsync(topic, deadline.Token);
        var (kept, keptRetained) = await late.WaitForDesiredAsync(topic, _ => true, deadline.Token);
        var device2 = await (await cloud.Http.GetAsync("/v1/devices/ext-dev", deadline.Token)).ReadAsync(EdgeJsonContext.Default.ReportedConfig, deadline.Token);

        Assert.Equal("false", Assert.Single(whileDown.Headers.GetValues(ThresholdEndpoints.PublishedHeader)));
        Assert.Equal(0.35, republished.Threshold);
        Assert.True(keptRetained);
        Assert.Equal(second.Version, kept.Version);
        Assert.Equal(first.Version, device2.GroupVersion);
    }
}
