namespace Edge.Cloud.Tests.Thresholds;

using Edge.Cloud.Tests.Support;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

public sealed class DesiredConfigMqttTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_device_subscribing_after_a_put_receives_the_desired_config_retained()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        var stored = await (await cloud.Http.PutJsonAsync("/v1/thresholds/groups/line-7", """{"threshold":0.65,"auditSampleRate":0.05}""", deadline.Token))
            .ReadAsync(EdgeJsonContext.Default.ScopeSetting, deadline.Token);

        await using var device = await MqttProbe.ConnectAsync(cloud.MqttPort, deadline.Token);
        await device.SubscribeAsync(Topics.GroupDesired("line-7"), deadline.Token);
        var (config, retained) = await device.WaitForDesiredAsync(Topics.GroupDesired("line-7"), _ => true, deadline.Token);

        Assert.True(retained);
        Assert.Equal(stored.Version, config.Version);
        Assert.Equal(ConfigScope.Group, config.Scope);
        Assert.Equal("line-7", config.Target);
        Assert.Equal(0.65, config.Threshold);
        Assert.Equal(0.05, config.AuditSampleRate);
        Assert.Null(config.ScoreFunction);
        Assert.Null(ConfigRules.Validate(config, ConfigScope.Group, "line-7"));
    }

    [Fact]
    public async Task A_subscribed_device_sees_each_change_and_the_clear_as_newer_versions()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        await using var device = await MqttProbe.ConnectAsync(cloud.MqttPort, deadline.Token);
        await device.SubscribeAsync(Topics.DeviceDesired("dev-9"), deadline.Token);

        var put = await (await cloud.Http.PutJsonAsync("/v1/thresholds/devices/dev-9", """{"threshold":0.9}""", deadline.Token))
            .ReadAsync(EdgeJsonContext.Default.ScopeSetting, deadline.Token);
        var (applied, _) = await device.WaitForDesiredAsync(Topics.DeviceDesired("dev-9"), c => c.Version == put.Version, deadline.Token);
        await cloud.Http.DeleteAsync("/v1/thresholds/devices/dev-9", deadline.Token);
        var (cleared, _) = await device.WaitForDesiredAsync(Topics.DeviceDesired("dev-9"), c => c.Version > put.Version, deadline.Token);

        Assert.Equal(0.9, applied.Threshold);
        Assert.Null(cleared.Threshold);
        Assert.Null(cleared.AuditSampleRate);
        Assert.Null(cleared.ScoreFunction);
        Assert.Equal(ConfigScope.Device, cleared.Scope);
    }

    [Fact]
    public async Task Fleet_settings_go_out_on_the_fleet_topic()
    {
        using var deadline = Deadline.Within();
        await using var cloud = await CloudHost.StartAsync(_folder.Path);
        await cloud.Http.PutJsonAsync("/v1/thresholds/fleet", """{"threshold":0.75,"scoreFunction":"MaxProbability"}""", deadline.Token);

        await using var device = await MqttProbe.ConnectAsync(cloud.MqttPort, deadline.Token);
        await device.SubscribeAsync(Topics.FleetDesired, deadline.Token);
        var (config, retained) = await device.WaitForDesiredAsync(Topics.FleetDesired, _ => true, deadline.Token);

        Assert.True(retained);
        Assert.Equal(ConfigScope.Fleet, config.Scope);
        Assert.Null(config.Target);
        Assert.Equal(0.75, config.Threshold);
        Assert.Equal(ScoreFunction.MaxProbability, config.ScoreFunction);
    }
}
