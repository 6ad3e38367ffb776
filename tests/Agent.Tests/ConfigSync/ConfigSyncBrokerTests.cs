namespace Edge.Agent.Tests.ConfigSync;

using System.Text;
using Edge.Agent.ConfigSync;
using Edge.Agent.Routing;
using Edge.Agent.Serving;
using Edge.Agent.Tests.Mqtt;
using Edge.Agent.Tests.Support;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.TestSupport.Mosquitto;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

/// <summary>
/// Config sync end to end against a real Mosquitto shared by this class: each test is its own device in
/// its own group, so retained messages never cross tests (nothing here publishes fleet-wide).
/// </summary>
public sealed class ConfigSyncBrokerTests(MosquittoFixture mosquitto) : IClassFixture<MosquittoFixture>, IDisposable
{
    private readonly string _device = "dev-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _group = "grp-" + Guid.NewGuid().ToString("N")[..8];
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("edge-agent-state-");

    private int Port => mosquitto.Broker.Port;

    public void Dispose() => _state.Delete(recursive: true);

    [Fact]
    public async Task A_retained_desired_threshold_reaches_live_config_and_is_reported()
    {
        using var deadline = Deadline();
        await using var cloud = await TestMqttClient.ConnectAsync(Port, deadline.Token);
        await cloud.SubscribeAsync(Topics.DeviceReported(_device), deadline.Token);
        await cloud.PublishAsync(Topics.DeviceDesired(_device), Desired.Json(ConfigScope.Device, _device, 1, threshold: 0.55), retain: true, deadline.Token);

        await using var agent = await StartAgentAsync(deadline.Token);
        await agent.Events.WaitForAppliedAsync(ConfigScope.Device, 1, deadline.Token);
        var report = await cloud.WaitForAsync(Topics.DeviceReported(_device), EdgeJsonContext.Default.ReportedConfig, r => r.DeviceVersion == 1, deadline.Token);

        Assert.Equal(new RoutingSettings(0.55, ConfigScope.Device, 0.0, ScoreFunction.MaxProbability), agent.Live.Current);
        Assert.Equal((_device, _group, 0.55, ConfigScope.Device), (report.DeviceId, report.Group, report.Threshold, report.ThresholdSource));
        Assert.Null(report.LastError);
        Assert.Null(report.GroupVersion);
        var model = agent.App.Services.GetService<IModelInfo>();
        Assert.Equal((model?.ModelName, model?.ModelVersion, model?.ExecutionProvider), (report.ModelName, report.ModelVersion, report.ExecutionProvider));
    }

    [Fact]
    public async Task An_older_version_is_ignored()
    {
        using var deadline = Deadline();
        await using var agent = await StartAgentAsync(deadline.Token);
        await using var cloud = await TestMqttClient.ConnectAsync(Port, deadline.Token);

        await cloud.PublishAsync(Topics.DeviceDesired(_device), Desired.Json(ConfigScope.Device, _device, 5, threshold: 0.6), retain: true, deadline.Token);
        await agent.Events.WaitForAppliedAsync(ConfigScope.Device, 5, deadline.Token);
        await cloud.PublishAsync(Topics.DeviceDesired(_device), Desired.Json(ConfigScope.Device, _device, 3, threshold: 0.3), retain: true, deadline.Token);
        await agent.Events.WaitForAsync(ConfigScope.Device, ConfigOutcomeKind.Ignored, 3, deadline.Token);

        Assert.Equal(0.6, agent.Live.Current.Threshold);
    }

    [Theory]
    [InlineData("""{"version":2,"scope":"Device","target":"{device}","threshold":NaN}""", 2L)]
    [InlineData("""{"version":2,"scope":"Device","target":"{device}","threshold":3.5}""", 2L)]
    [InlineData("""{"version":2,"scope":"Device","target":"{device}","threshold":"0.5"}""", 2L)]
    [InlineData("""{"version":2,"scope":"Device","target":"{device}","thresh""", 2L)]
    [InlineData("""{"version":2,"scope":"Device","target":"someone-else","threshold":0.5}""", 2L)]
    [InlineData("""<threshold>0.5</threshold>""", null)]
    public async Task Invalid_desired_config_is_refused_reported_and_the_old_value_kept(string template, long? version)
    {
        using var deadline = Deadline();
        await using var agent = await StartAgentAsync(deadline.Token);
        await using var cloud = await TestMqttClient.ConnectAsync(Port, deadline.Token);
        await cloud.SubscribeAsync(Topics.DeviceReported(_device), deadline.Token);
        await cloud.PublishAsync(Topics.DeviceDesired(_device), Desired.Json(ConfigScope.Device, _device, 1, threshold: 0.7), retain: true, deadline.Token);
        await agent.Events.WaitForAppliedAsync(ConfigScope.Device, 1, deadline.Token);

        var bad = Encoding.UTF8.GetBytes(template.Replace("{device}", _device, StringComparison.Ordinal));
        await cloud.PublishAsync(Topics.DeviceDesired(_device), bad, retain: true, deadline.Token);
        var refused = await agent.Events.WaitForAsync(ConfigScope.Device, ConfigOutcomeKind.Refused, version, deadline.Token);
        var report = await cloud.WaitForAsync(Topics.DeviceReported(_device), EdgeJsonContext.Default.ReportedConfig, r => r.LastError is not null, deadline.Token);

        Assert.Equal(0.7, agent.Live.Current.Threshold);
        Assert.Equal((0.7, 1L), (report.Threshold, report.DeviceVersion));
        Assert.Equal((ConfigScope.Device, version, refused.Reason), (report.LastError!.Scope, report.LastError.Version, report.LastError.Reason));
        Assert.False(string.IsNullOrWhiteSpace(refused.Reason));
    }

    [Fact]
    public async Task A_valid_config_after_a_refused_one_applies_and_clears_the_reported_error()
    {
        using var deadline = Deadline();
        await using var agent = await StartAgentAsync(deadline.Token);
        await using var cloud = await TestMqttClient.ConnectAsync(Port, deadline.Token);
        await cloud.SubscribeAsync(Topics.DeviceReported(_device), deadline.Token);

        await cloud.PublishRetainedAsync(Topics.DeviceDesired(_device), $$"""{"version":4,"scope":"Device","target":"{{_device}}","threshold":9}""", deadline.Token);
        await agent.Events.WaitForAsync(ConfigScope.Device, ConfigOutcomeKind.Refused, 4, deadline.Token);
        await cloud.PublishAsync(Topics.DeviceDesired(_device), Desired.Json(ConfigScope.Device, _device, 5, threshold: 0.65), retain: true, deadline.Token);
        await agent.Events.WaitForAppliedAsync(ConfigScope.Device, 5, deadline.Token);
        var report = await cloud.WaitForAsync(Topics.DeviceReported(_device), EdgeJsonContext.Default.ReportedConfig, r => r.DeviceVersion == 5, deadline.Token);

        Assert.Null(report.LastError);
        Assert.Equal(0.65, report.Threshold);
    }

    [Fact]
    public async Task A_message_sent_while_the_agent_was_offline_waits_in_its_persistent_session()
    {
        using var deadline = Deadline();
        await using (var first = await StartAgentAsync(deadline.Token))
        {
            await first.Mqtt.WaitUntilConnectedAsync(deadline.Token);
        }

        // Not retained: only the broker's session queue for this client id can deliver it.
        await using var cloud = await TestMqttClient.ConnectAsync(Port, deadline.Token);
        await cloud.PublishAsync(Topics.DeviceDesired(_device), Desired.Json(ConfigScope.Device, _device, 2, threshold: 0.33), retain: false, deadline.Token);
        await using var second = await StartAgentAsync(deadline.Token);
        await second.Events.WaitForAppliedAsync(ConfigScope.Device, 2, deadline.Token);

        Assert.Equal(0.33, second.Live.Current.Threshold);
    }

    private Task<TestAgentHost> StartAgentAsync(CancellationToken cancellationToken) =>
        TestAgentHost.StartAsync(ConfigSyncAgent.Options(Port, _device, _group, _state.FullName), cancellationToken);

    private static CancellationTokenSource Deadline()
    {
        // A safety net so a broken build fails instead of hanging; the waits themselves are event-driven.
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        return cts;
    }
}
