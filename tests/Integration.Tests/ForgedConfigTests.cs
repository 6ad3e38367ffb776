namespace Edge.Integration.Tests;

using System.Net.Http.Json;
using System.Text.Json;
using Edge.Agent.Routing;
using Edge.Cloud.Devices;
using Edge.Cloud.Thresholds;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.TestSupport.Mosquitto;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>
/// A retained desired config forged with a version no cloud will reach (before: it pinned the threshold until the
/// device's state file was deleted) is refused within the cloud's epoch, and undone by the cloud when forged in another.
/// </summary>
public sealed class ForgedConfigTests
{
    [Fact]
    public async Task A_forged_max_version_config_is_refused_and_a_forged_epoch_is_undone_by_an_epoch_reset()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mosquitto = await MosquittoBroker.StartAsync(ct);
        await using var stack = await EdgeStack.StartAsync(mosquitto, cancellationToken: ct);
        var reports = stack.CloudService<ReportedConfigStore>();
        var good = await stack.PutThresholdAsync($"/v1/thresholds/devices/{EdgeStack.DeviceId}", new ThresholdUpdate { Threshold = 0.77 }, ct);
        await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion == good.Version, ct);
        var epoch = await stack.CloudService<ThresholdRepository>().GetEpochAsync(ct);
        using var forger = new MqttClientFactory().CreateMqttClient();
        await forger.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(MosquittoBroker.Host, mosquitto.Port).Build(), ct);

        // In the cloud's own epoch the jump is refused: the device keeps the operator's threshold and says why.
        await ForgeAsync(forger, epoch, ct);
        var refused = await reports.WaitForAsync(EdgeStack.DeviceId, r => r.LastError is not null, ct);
        Assert.Contains("past", refused.LastError!.Reason, StringComparison.Ordinal);
        Assert.Equal((0.77, good.Version), (refused.Threshold, refused.DeviceVersion));

        // In another epoch it applies, until the operator resets the epoch and every setting is republished.
        await ForgeAsync(forger, "forged", ct);
        await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion == long.MaxValue && r.Threshold == 0.01, ct);
        using (var reset = await stack.CloudHttp.PostAsync("/v1/thresholds/epoch", null, ct))
        {
            Assert.True(reset.IsSuccessStatusCode, await reset.Content.ReadAsStringAsync(ct));
            var answer = await reset.Content.ReadFromJsonAsync(EdgeJsonContext.Default.ConfigEpochReset, ct);
            Assert.NotEqual(epoch, answer!.Epoch);
        }

        var restored = await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion == good.Version, ct);
        Assert.Equal(0.77, restored.Threshold);

        // And the forged version no longer outranks the operator's next change.
        var next = await stack.PutThresholdAsync($"/v1/thresholds/devices/{EdgeStack.DeviceId}", new ThresholdUpdate { Threshold = 0.5 }, ct);
        await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion == next.Version, ct);
        Assert.Equal(0.5, stack.AgentService<LiveConfig>().Current.Threshold);
    }

    private static Task<MqttClientPublishResult> ForgeAsync(IMqttClient forger, string epoch, CancellationToken ct) =>
        forger.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(Topics.DeviceDesired(EdgeStack.DeviceId))
                .WithPayload(JsonSerializer.SerializeToUtf8Bytes(
                    new DesiredConfig { Version = long.MaxValue, Epoch = epoch, Scope = ConfigScope.Device, Target = EdgeStack.DeviceId, Threshold = 0.01 },
                    EdgeJsonContext.Default.DesiredConfig))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .WithRetainFlag()
                .Build(),
            ct);
}
