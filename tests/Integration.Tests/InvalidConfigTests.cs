namespace Edge.Integration.Tests;

using System.Text;
using Edge.Agent.Routing;
using Edge.Cloud.Devices;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.TestSupport.Mosquitto;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>Anything on the wire that the cloud's API would refuse, a device refuses too, and says so.</summary>
public sealed class InvalidConfigTests
{
    public static TheoryData<string, string> BadPayloads => new()
    {
        { "string threshold", """{"version":1000,"scope":"device","target":"it-dev-1","threshold":"0.2"}""" },
        { "out of range", """{"version":1000,"scope":"device","target":"it-dev-1","threshold":7}""" },
        { "someone else's target", """{"version":1000,"scope":"device","target":"it-dev-2","threshold":0.2}""" },
        { "unknown scope", """{"version":1000,"scope":"planet","target":"it-dev-1","threshold":0.2}""" },
        { "malformed json", """{"version":1000,"threshold":0.2""" },
    };

    [Theory]
    [MemberData(nameof(BadPayloads))]
    public async Task Bad_desired_config_is_refused_reported_and_the_old_threshold_kept(string why, string payload)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mosquitto = await MosquittoBroker.StartAsync(ct);
        await using var stack = await EdgeStack.StartAsync(mosquitto, cancellationToken: ct);
        var good = await stack.PutThresholdAsync($"/v1/thresholds/devices/{EdgeStack.DeviceId}", new ThresholdUpdate { Threshold = 0.77 }, ct);
        var reports = stack.CloudService<ReportedConfigStore>();
        await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion == good.Version, ct);

        using var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(MosquittoBroker.Host, mosquitto.Port).Build(), ct);
        await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(Topics.DeviceDesired(EdgeStack.DeviceId))
            .WithPayload(Encoding.UTF8.GetBytes(payload))
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithRetainFlag()
            .Build(), ct);

        var refused = await reports.WaitForAsync(EdgeStack.DeviceId, r => r.LastError is not null, ct);
        Assert.False(string.IsNullOrWhiteSpace(refused.LastError!.Reason), why);
        Assert.Equal(0.77, refused.Threshold);
        Assert.Equal(0.77, stack.AgentService<LiveConfig>().Current.Threshold);
        Assert.Equal(good.Version, refused.DeviceVersion);
    }
}
