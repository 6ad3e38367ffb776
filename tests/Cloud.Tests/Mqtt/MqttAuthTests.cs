namespace Edge.Cloud.Tests.Mqtt;

using System.Text;
using Edge.Cloud.Devices;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.TestSupport;
using MQTTnet;
using Xunit;

/// <summary>
/// The embedded broker with <c>Mqtt:Devices</c> set, exercised with real MQTTnet clients: devices log in and
/// keep to their own topics; the cloud's own client keeps full access.
/// </summary>
public sealed class MqttAuthTests : IDisposable
{
    private const string Operator = "ops-console";
    private const string OperatorPassword = "operator-secret";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Clients_without_valid_device_credentials_are_refused_and_hashed_passwords_work()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await StartAsync();

        var anonymous = await MqttProbe.TryConnectAsync(cloud.MqttPort, new MqttClientOptionsBuilder().WithClientId("cam-a"), deadline.Token);
        var wrongPassword = await MqttProbe.TryConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-a", "not-it"), deadline.Token);
        var unknown = await MqttProbe.TryConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-z", "secret-a"), deadline.Token);
        var otherClientId = await MqttProbe.TryConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-a", "secret-a").WithClientId("cam-b"), deadline.Token);
        await using var hashed = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-b", "secret-b"), deadline.Token);

        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, anonymous);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, wrongPassword);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, unknown);
        Assert.Equal(MqttClientConnectResultCode.ClientIdentifierNotValid, otherClientId);
        Assert.True(cloud.Service<CloudMqttClient>().IsConnected);
    }

    [Fact]
    public async Task A_device_reads_its_own_group_and_fleet_config_but_no_other_devices_topics()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await StartAsync();
        await cloud.Http.PutJsonAsync("/v1/thresholds/devices/cam-a", """{"threshold":0.41}""", deadline.Token);
        await cloud.Http.PutJsonAsync("/v1/thresholds/devices/cam-b", """{"threshold":0.42}""", deadline.Token);
        await cloud.Http.PutJsonAsync("/v1/thresholds/groups/line-1", """{"threshold":0.43}""", deadline.Token);
        await cloud.Http.PutJsonAsync("/v1/thresholds/fleet", """{"threshold":0.44}""", deadline.Token);
        await using var device = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-a", "secret-a"), deadline.Token);

        string[] refused =
        [
            Topics.DeviceDesired("cam-b"), "edge/v1/dev/+/config/desired", "edge/v1/dev/#", "#", "edge/v1/group/#",
            "edge/v1/group/line-1/config/reported", "$SYS/#",
        ];
        var refusals = new List<MqttClientSubscribeResultCode>();
        foreach (var filter in refused)
        {
            refusals.Add(await device.SubscribeAsync(filter, deadline.Token));
        }

        var own = await device.SubscribeAsync(Topics.DeviceDesired("cam-a"), deadline.Token);
        var group = await device.SubscribeAsync("edge/v1/group/+/config/desired", deadline.Token);
        var fleet = await device.SubscribeAsync("edge/v1/fleet/#", deadline.Token);
        var (mine, _) = await device.WaitForDesiredAsync(Topics.DeviceDesired("cam-a"), _ => true, deadline.Token);
        var (line, _) = await device.WaitForDesiredAsync(Topics.GroupDesired("line-1"), _ => true, deadline.Token);
        var (all, _) = await device.WaitForDesiredAsync(Topics.FleetDesired, _ => true, deadline.Token);

        Assert.All(refusals, code => Assert.Equal(MqttClientSubscribeResultCode.NotAuthorized, code));
        Assert.All([own, group, fleet], code => Assert.Equal(MqttClientSubscribeResultCode.GrantedQoS1, code));
        Assert.Equal((0.41, 0.43, 0.44), (mine.Threshold, line.Threshold, all.Threshold));
    }

    [Fact]
    public async Task A_device_publishes_only_under_its_own_topics()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await StartAsync();
        var store = cloud.Service<ReportedConfigStore>();
        await cloud.Http.PutJsonAsync("/v1/thresholds/fleet", """{"threshold":0.5}""", deadline.Token);
        await using var device = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-a", "secret-a"), deadline.Token);

        var spoofed = await device.PublishReportedAsync(new ReportedConfig { DeviceId = "cam-b", Threshold = 0 }, deadline.Token);
        var forged = await device.PublishAsync(Topics.FleetDesired, """{"version":999,"scope":"Fleet","threshold":2}""", retain: true, deadline.Token);
        var recorded = store.WaitForAsync("cam-a", _ => true, deadline.Token);
        var own = await device.PublishReportedAsync(new ReportedConfig { DeviceId = "cam-a", Threshold = 0.5 }, deadline.Token);
        await recorded;
        await using var other = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-b", "secret-b"), deadline.Token);
        await other.SubscribeAsync(Topics.FleetDesired, deadline.Token);
        var (fleet, _) = await other.WaitForDesiredAsync(Topics.FleetDesired, _ => true, deadline.Token);

        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, spoofed.ReasonCode);
        Assert.Equal(MqttClientPublishReasonCode.NotAuthorized, forged.ReasonCode);
        Assert.True(own.IsSuccess);
        Assert.Null(await store.GetAsync("cam-b", deadline.Token));
        Assert.Equal(0.5, fleet.Threshold);
    }

    [Fact]
    public async Task A_devices_last_will_goes_out_only_on_its_own_topics()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await StartAsync();
        await using var watcher = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin(Operator, OperatorPassword), deadline.Token);
        await watcher.SubscribeAsync("edge/v1/#", deadline.Token);

        var forbidden = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-a", "secret-a").WithWillTopic(Topics.DeviceDesired("cam-b")).WithWillPayload("evil"u8.ToArray()), deadline.Token);
        forbidden.Drop();
        var allowed = await MqttProbe.ConnectAsync(cloud.MqttPort, MqttProbe.DeviceLogin("cam-a", "secret-a").WithWillTopic(Topics.Telemetry("cam-a")).WithWillPayload("offline"u8.ToArray()), deadline.Token);
        allowed.Drop();

        // The forbidden will would have been sent first, so it would be the first message the watcher sees.
        var (topic, payload) = await watcher.WaitForAnyAsync("edge/v1/#", deadline.Token);

        Assert.Equal(Topics.Telemetry("cam-a"), topic);
        Assert.Equal("offline", Encoding.UTF8.GetString(payload));
    }

    // The operator logs in with the cloud's own (configured) credentials: full access, to watch every topic.
    private Task<CloudHost> StartAsync() => CloudHost.StartAsync(_folder.Path, new Dictionary<string, string?>
    {
        ["Mqtt:Devices:cam-a"] = "secret-a",
        ["Mqtt:Devices:cam-b"] = DevicePassword.Hash("secret-b"),
        ["Mqtt:Username"] = Operator,
        ["Mqtt:Password"] = OperatorPassword,
    });
}
