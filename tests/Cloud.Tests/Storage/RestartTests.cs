namespace Edge.Cloud.Tests.Storage;

using Edge.Cloud.Tests.Support;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Xunit;

/// <summary>A second cloud process instance on the same database file, after the first has stopped.</summary>
public sealed class RestartTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Versions_keep_increasing_across_a_restart_on_the_same_database()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        long before;
        await using (var first = await CloudHost.StartAsync(_folder.Path))
        {
            await first.Http.PutJsonAsync("/v1/thresholds/groups/g1", """{"threshold":0.5}""", deadline.Token);
            before = (await (await first.Http.PutJsonAsync("/v1/thresholds/devices/d1", """{"threshold":0.6}""", deadline.Token))
                .ReadAsync(EdgeJsonContext.Default.ScopeSetting, deadline.Token)).Version;
        }

        await using var second = await CloudHost.StartAsync(_folder.Path);
        var kept = await (await second.Http.GetAsync("/v1/thresholds/devices/d1", deadline.Token)).ReadAsync(EdgeJsonContext.Default.ScopeSetting, deadline.Token);
        var after = await (await second.Http.PutJsonAsync("/v1/thresholds/groups/other", """{"threshold":0.7}""", deadline.Token))
            .ReadAsync(EdgeJsonContext.Default.ScopeSetting, deadline.Token);

        Assert.Equal(before, kept.Version);
        Assert.Equal(0.6, kept.Threshold);
        Assert.True(after.Version > before, $"version {after.Version} after the restart is not above {before}");
    }

    [Fact]
    public async Task Stored_settings_are_retained_again_after_the_cloud_and_its_embedded_broker_restart()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        long version;
        await using (var first = await CloudHost.StartAsync(_folder.Path))
        {
            version = (await (await first.Http.PutJsonAsync("/v1/thresholds/groups/line-r", """{"threshold":0.55}""", deadline.Token))
                .ReadAsync(EdgeJsonContext.Default.ScopeSetting, deadline.Token)).Version;
        }

        // The new embedded broker starts empty; the host only returns once the client has connected and republished.
        await using var second = await CloudHost.StartAsync(_folder.Path);
        await using var device = await MqttProbe.ConnectAsync(second.MqttPort, deadline.Token);
        await device.SubscribeAsync(Topics.GroupDesired("line-r"), deadline.Token);
        var (config, retained) = await device.WaitForDesiredAsync(Topics.GroupDesired("line-r"), _ => true, deadline.Token);

        Assert.True(retained);
        Assert.Equal(version, config.Version);
        Assert.Equal(0.55, config.Threshold);
    }

    [Fact]
    public async Task Reported_device_state_survives_a_restart()
    {
        using var deadline = Deadline.Within(TimeSpan.FromSeconds(60));
        await using (var first = await CloudHost.StartAsync(_folder.Path))
        {
            var store = first.Service<Edge.Cloud.Devices.ReportedConfigStore>();
            await using var device = await MqttProbe.ConnectAsync(first.MqttPort, deadline.Token);
            var seen = store.WaitForAsync("dev-keep", _ => true, deadline.Token);
            await device.PublishReportedAsync(new Shared.Config.ReportedConfig { DeviceId = "dev-keep", Group = "g", Threshold = 0.42 }, deadline.Token);
            await seen;
        }

        await using var second = await CloudHost.StartAsync(_folder.Path);
        var reported = await (await second.Http.GetAsync("/v1/devices/dev-keep", deadline.Token)).ReadAsync(EdgeJsonContext.Default.ReportedConfig, deadline.Token);

        Assert.Equal(0.42, reported.Threshold);
        Assert.Equal("g", reported.Group);
    }
}
