namespace Edge.Cloud.Tests.Devices;

using System.Net;
using System.Text.Json;
using Edge.Cloud.Devices;
using Edge.Cloud.Tests.Support;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Xunit;

public sealed class ReportedConfigTests(CloudFixture fixture) : IClassFixture<CloudFixture>
{
    private CloudHost Cloud => fixture.Host;

    [Fact]
    public async Task A_reported_config_published_by_a_device_shows_up_in_the_devices_api()
    {
        using var deadline = Deadline.Within();
        var store = Cloud.Service<ReportedConfigStore>();
        await using var device = await MqttProbe.ConnectAsync(Cloud.MqttPort, deadline.Token);
        var seen = store.WaitForAsync("x", r => r.DeviceVersion == 12, deadline.Token);

        await device.PublishReportedAsync(
            new ReportedConfig
            {
                DeviceId = "x",
                Group = "line-x",
                Threshold = 0.8,
                ThresholdSource = ConfigScope.Device,
                AuditSampleRate = 0.02,
                ScoreFunction = ScoreFunction.Margin,
                DeviceVersion = 12,
                ModelName = "digits-edge",
            },
            deadline.Token);
        await seen;
        var one = await (await Cloud.Http.GetAsync("/v1/devices/x", deadline.Token)).ReadAsync(EdgeJsonContext.Default.ReportedConfig, deadline.Token);
        var all = await (await Cloud.Http.GetAsync("/v1/devices", deadline.Token)).ReadAsync(EdgeJsonContext.Default.ReportedConfigArray, deadline.Token);

        Assert.Equal(0.8, one.Threshold);
        Assert.Equal(ConfigScope.Device, one.ThresholdSource);
        Assert.Equal(ScoreFunction.Margin, one.ScoreFunction);
        Assert.Equal(12, one.DeviceVersion);
        Assert.Equal("line-x", one.Group);
        Assert.Contains(all, r => r.DeviceId == "x");
    }

    [Fact]
    public async Task A_report_whose_body_names_another_device_or_an_unsafe_group_or_is_not_json_is_dropped()
    {
        using var deadline = Deadline.Within();
        var store = Cloud.Service<ReportedConfigStore>();
        await using var device = await MqttProbe.ConnectAsync(Cloud.MqttPort, deadline.Token);
        var good = store.WaitForAsync("honest", _ => true, deadline.Token);

        // One publisher's QoS 1 messages arrive in order, so once "honest" is stored the two before it were handled.
        var spoofed = JsonSerializer.Serialize(new ReportedConfig { DeviceId = "victim", Threshold = 0 }, EdgeJsonContext.Default.ReportedConfig);
        await device.PublishAsync(Topics.DeviceReported("spoofer"), spoofed, retain: true, deadline.Token);
        await device.PublishAsync(Topics.DeviceReported("garbled"), "{not json", retain: true, deadline.Token);
        await device.PublishReportedAsync(new ReportedConfig { DeviceId = "slashed", Group = "line/1", Threshold = 0.3 }, deadline.Token);
        await device.PublishReportedAsync(new ReportedConfig { DeviceId = "honest", Threshold = 0.3 }, deadline.Token);
        await good;

        Assert.Equal(HttpStatusCode.NotFound, (await Cloud.Http.GetAsync("/v1/devices/victim", deadline.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Cloud.Http.GetAsync("/v1/devices/spoofer", deadline.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Cloud.Http.GetAsync("/v1/devices/garbled", deadline.Token)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Cloud.Http.GetAsync("/v1/devices/slashed", deadline.Token)).StatusCode);
    }

    [Fact]
    public async Task An_unknown_device_answers_404()
    {
        var response = await Cloud.Http.GetAsync("/v1/devices/nobody", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("nobody", await response.ProblemDetailAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }
}
