namespace Edge.Integration.Tests;

using System.Net.Http.Json;
using Edge.Agent.ConfigSync;
using Edge.Cloud.Devices;
using Edge.Shared.Config;
using Edge.Shared.Inference;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using Edge.TestSupport.Mosquitto;

public sealed class ThresholdPropagationTests
{
    public static TheoryData<string> Brokers => new() { "embedded", "mosquitto" };

    [Theory]
    [MemberData(nameof(Brokers))]
    public async Task Operator_threshold_reaches_the_agent_live_and_moves_the_split(string broker)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var mosquitto = broker == "mosquitto" ? await MosquittoBroker.StartAsync(ct) : null;
        await using var stack = await EdgeStack.StartAsync(mosquitto, cancellationToken: ct);
        var samples = HeldOut.Digits.Take(30).ToArray();
        var events = stack.AgentService<ConfigSyncEvents>();

        var allLocal = await stack.PutThresholdAsync("/v1/thresholds/fleet", new ThresholdUpdate { Threshold = 0 }, ct);
        await events.WaitForAppliedAsync(ConfigScope.Fleet, allLocal.Version, ct);
        foreach (var sample in samples)
        {
            Assert.Equal(Decision.Local, (await stack.InferAsync(sample.Pixels, ct)).Decision);
        }

        var allCloud = await stack.PutThresholdAsync("/v1/thresholds/fleet", new ThresholdUpdate { Threshold = 1.5 }, ct);
        await events.WaitForAppliedAsync(ConfigScope.Fleet, allCloud.Version, ct);
        foreach (var sample in samples)
        {
            var answer = await stack.InferAsync(sample.Pixels, ct);
            Assert.Equal(Decision.Cloud, answer.Decision);
            Assert.Equal(answer.CloudLabel, answer.Label);
            Assert.Equal(1.5, answer.Threshold);
        }

        // The operator sees what the device applied, through the cloud.
        await stack.CloudService<ReportedConfigStore>().WaitForAsync(EdgeStack.DeviceId, r => r.FleetVersion == allCloud.Version, ct);
        var reported = await stack.CloudHttp.GetFromJsonAsync($"/v1/devices/{EdgeStack.DeviceId}", EdgeJsonContext.Default.ReportedConfig, ct);
        Assert.NotNull(reported);
        Assert.Equal(1.5, reported.Threshold);
        Assert.Equal(ConfigScope.Fleet, reported.ThresholdSource);
        Assert.Equal(EdgeStack.Group, reported.Group);
        Assert.Equal("digits-edge", reported.ModelName);
        Assert.Equal("CPU", reported.ExecutionProvider);
    }

    [Fact]
    public async Task Device_beats_group_beats_fleet_and_clearing_an_override_falls_back()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var stack = await EdgeStack.StartAsync(null, cancellationToken: ct);
        var reports = stack.CloudService<ReportedConfigStore>();

        await stack.PutThresholdAsync("/v1/thresholds/fleet", new ThresholdUpdate { Threshold = 0.3 }, ct);
        await stack.PutThresholdAsync($"/v1/thresholds/groups/{EdgeStack.Group}", new ThresholdUpdate { Threshold = 0.6 }, ct);
        var device = await stack.PutThresholdAsync($"/v1/thresholds/devices/{EdgeStack.DeviceId}", new ThresholdUpdate { Threshold = 0.9 }, ct);
        var r = await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion == device.Version, ct);
        Assert.Equal((0.9, ConfigScope.Device), (r.Threshold, r.ThresholdSource));

        using (var delete = await stack.CloudHttp.DeleteAsync($"/v1/thresholds/devices/{EdgeStack.DeviceId}", ct))
        {
            Assert.True(delete.IsSuccessStatusCode);
        }

        r = await reports.WaitForAsync(EdgeStack.DeviceId, r => r.DeviceVersion > device.Version, ct);
        Assert.Equal((0.6, ConfigScope.Group), (r.Threshold, r.ThresholdSource));

        // Another group's setting never touches this device.
        var other = await stack.PutThresholdAsync("/v1/thresholds/groups/other-group", new ThresholdUpdate { Threshold = 0.01 }, ct);
        var fleet = await stack.PutThresholdAsync("/v1/thresholds/fleet", new ThresholdUpdate { Threshold = 0.4 }, ct);
        Assert.True(fleet.Version > other.Version);
        r = await reports.WaitForAsync(EdgeStack.DeviceId, r => r.FleetVersion == fleet.Version, ct);
        Assert.Equal((0.6, ConfigScope.Group), (r.Threshold, r.ThresholdSource));
    }
}
