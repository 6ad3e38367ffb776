namespace Edge.Agent.Tests.ConfigSync;

using Edge.Agent.ConfigSync;
using Edge.Agent.Routing;
using Edge.Agent.Tests.Mqtt;
using Edge.Agent.Tests.Support;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.TestSupport.Mosquitto;
using Xunit;

/// <summary>Tests that publish fleet-wide or stop the broker, so each starts its own Mosquitto.</summary>
public sealed class ConfigSyncScopeAndRestartTests : IDisposable
{
    private const string Device = "cam-01";
    private const string Group = "line-1";

    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("edge-agent-state-");

    public void Dispose() => _state.Delete(recursive: true);

    [Fact]
    public async Task Device_beats_group_beats_fleet_and_clearing_the_device_falls_back_to_the_group()
    {
        using var deadline = Deadline();
        await using var broker = await MosquittoBroker.StartAsync(deadline.Token);
        await using var agent = await TestAgentHost.StartAsync(ConfigSyncAgent.Options(broker.Port, Device, Group, _state.FullName), deadline.Token);
        await using var cloud = await TestMqttClient.ConnectAsync(broker.Port, deadline.Token);
        await cloud.SubscribeAsync(Topics.DeviceReported(Device), deadline.Token);

        await cloud.PublishAsync(Topics.FleetDesired, Desired.Json(ConfigScope.Fleet, null, 1, threshold: 0.5, audit: 0.1), retain: true, deadline.Token);
        await agent.Events.WaitForAppliedAsync(ConfigScope.Fleet, 1, deadline.Token);
        var fleetOnly = agent.Live.Current;
        await cloud.PublishAsync(Topics.GroupDesired(Group), Desired.Json(ConfigScope.Group, Group, 2, threshold: 0.6), retain: true, deadline.Token);
        await agent.Events.WaitForAppliedAsync(ConfigScope.Group, 2, deadline.Token);
        var withGroup = agent.Live.Current;
        await cloud.PublishAsync(Topics.DeviceDesired(Device), Desired.Json(ConfigScope.Device, Device, 3, threshold: 0.7), retain: true, deadline.Token);
        await agent.Events.WaitForAppliedAsync(ConfigScope.Device, 3, deadline.Token);
        var withDevice = agent.Live.Current;
        await cloud.ClearRetainedAsync(Topics.DeviceDesired(Device), deadline.Token);
        await agent.Events.WaitForAsync(ConfigScope.Device, ConfigOutcomeKind.Cleared, null, deadline.Token);
        var report = await cloud.WaitForAsync(Topics.DeviceReported(Device), EdgeJsonContext.Default.ReportedConfig, r => r.ThresholdSource == ConfigScope.Group && r.DeviceVersion == 3, deadline.Token);

        Assert.Equal(new RoutingSettings(0.5, ConfigScope.Fleet, 0.1, ScoreFunction.MaxProbability), fleetOnly);
        Assert.Equal(new RoutingSettings(0.6, ConfigScope.Group, 0.1, ScoreFunction.MaxProbability), withGroup);
        Assert.Equal(new RoutingSettings(0.7, ConfigScope.Device, 0.1, ScoreFunction.MaxProbability), withDevice);
        Assert.Equal(new RoutingSettings(0.6, ConfigScope.Group, 0.1, ScoreFunction.MaxProbability), agent.Live.Current);
        Assert.Equal((0.6, 1L, 2L), (report.Threshold, report.FleetVersion, report.GroupVersion));
    }

    [Fact]
    public async Task The_agent_reconnects_after_the_broker_restarts_and_subscribes_again()
    {
        using var deadline = Deadline();
        await using var broker = await MosquittoBroker.StartAsync(deadline.Token);
        await using var agent = await TestAgentHost.StartAsync(ConfigSyncAgent.Options(broker.Port, Device, Group, _state.FullName), deadline.Token);
        await agent.Mqtt.WaitUntilConnectedAsync(deadline.Token);
        var lost = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var back = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.Mqtt.Disconnected += () => lost.TrySetResult();
        agent.Mqtt.Connected += () => back.TrySetResult();

        await broker.StopAsync();
        await lost.Task.WaitAsync(deadline.Token);
        var connectedWhileDown = agent.Mqtt.IsConnected;
        await broker.StartAgainAsync(deadline.Token);
        await back.Task.WaitAsync(deadline.Token);

        // The restarted broker kept nothing (no persistence): reaching the agent proves it subscribed again.
        await using var cloud = await TestMqttClient.ConnectAsync(broker.Port, deadline.Token);
        await cloud.SubscribeAsync(Topics.DeviceReported(Device), deadline.Token);
        var reReported = await cloud.WaitForAsync(Topics.DeviceReported(Device), EdgeJsonContext.Default.ReportedConfig, r => r.DeviceId == Device, deadline.Token);
        await cloud.PublishAsync(Topics.DeviceDesired(Device), Desired.Json(ConfigScope.Device, Device, 1, threshold: 0.45), retain: true, deadline.Token);
        await agent.Events.WaitForAppliedAsync(ConfigScope.Device, 1, deadline.Token);

        Assert.False(connectedWhileDown);
        Assert.Null(reReported.DeviceVersion);
        Assert.Equal(0.45, agent.Live.Current.Threshold);
    }

    [Fact]
    public async Task After_a_restart_without_a_broker_the_state_file_restores_the_threshold_and_versions()
    {
        using var deadline = Deadline();
        await using var broker = await MosquittoBroker.StartAsync(deadline.Token);
        await using (var first = await TestAgentHost.StartAsync(ConfigSyncAgent.Options(broker.Port, Device, Group, _state.FullName), deadline.Token))
        {
            await using var cloud = await TestMqttClient.ConnectAsync(broker.Port, deadline.Token);
            await cloud.PublishAsync(Topics.GroupDesired(Group), Desired.Json(ConfigScope.Group, Group, 2, threshold: 0.61, audit: 0.05), retain: true, deadline.Token);
            await cloud.PublishAsync(Topics.DeviceDesired(Device), Desired.Json(ConfigScope.Device, Device, 4, threshold: 0.42), retain: true, deadline.Token);
            await first.Events.WaitForAppliedAsync(ConfigScope.Group, 2, deadline.Token);
            await first.Events.WaitForAppliedAsync(ConfigScope.Device, 4, deadline.Token);
        }

        await broker.StopAsync();
        await using var second = await TestAgentHost.StartAsync(ConfigSyncAgent.Options(broker.Port, Device, Group, _state.FullName), deadline.Token);
        var restored = second.Live.Current;
        var connectedAtStart = second.Mqtt.IsConnected;

        // The broker comes back empty (no persistence): a stale version must still lose to the saved one.
        await broker.StartAgainAsync(deadline.Token);
        await second.Mqtt.WaitUntilConnectedAsync(deadline.Token);
        await using var cloudAgain = await TestMqttClient.ConnectAsync(broker.Port, deadline.Token);
        await cloudAgain.PublishAsync(Topics.DeviceDesired(Device), Desired.Json(ConfigScope.Device, Device, 3, threshold: 0.9), retain: true, deadline.Token);
        await second.Events.WaitForAsync(ConfigScope.Device, ConfigOutcomeKind.Ignored, 3, deadline.Token);
        var afterStale = second.Live.Current.Threshold;

        Assert.False(connectedAtStart);
        Assert.Equal(new RoutingSettings(0.42, ConfigScope.Device, 0.05, ScoreFunction.MaxProbability), restored);
        Assert.Equal(0.42, afterStale);
    }

    private static CancellationTokenSource Deadline()
    {
        var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        cts.CancelAfter(TimeSpan.FromSeconds(30));
        return cts;
    }
}
