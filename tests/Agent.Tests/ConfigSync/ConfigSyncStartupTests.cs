namespace Edge.Agent.Tests.ConfigSync;

using Edge.Agent.ConfigSync;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Agent.Routing;
using Edge.Agent.Tests.Mqtt;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.TestSupport.Mosquitto;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Xunit;

/// <summary>The order the host starts things in must not decide whether a device ever reports.</summary>
public sealed class ConfigSyncStartupTests(MosquittoFixture mosquitto) : IClassFixture<MosquittoFixture>, IDisposable
{
    private readonly string _device = "start-" + Guid.NewGuid().ToString("N")[..8];
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("edge-agent-state-");

    public void Dispose() => _state.Delete(recursive: true);

    [Fact]
    public async Task Config_sync_reports_even_when_the_connection_was_up_before_it_started()
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(30));
        await using var cloud = await TestMqttClient.ConnectAsync(mosquitto.Broker.Port, deadline.Token);
        await cloud.SubscribeAsync(Topics.DeviceReported(_device), deadline.Token);
        var agent = new AgentOptions { DeviceId = _device, Group = "start-group" };
        using var connection = new AgentMqttConnection(
            Options.Create(new MqttOptions { Port = mosquitto.Broker.Port }),
            Options.Create(agent),
            TimeProvider.System,
            NullLogger<AgentMqttConnection>.Instance);
        await connection.StartAsync(deadline.Token);
        await connection.WaitUntilConnectedAsync(deadline.Token);

        using var sync = new ConfigSyncService(
            new LiveConfig(new RouterOptions().ToSettings()),
            Options.Create(new RouterOptions()),
            connection,
            new ConfigStateFile(Path.Combine(_state.FullName, ConfigStateFile.FileName), NullLogger<ConfigStateFile>.Instance),
            new ConfigSyncEvents(),
            new ConfigTargets(agent.DeviceId, agent.Group),
            TimeProvider.System,
            NullLogger<ConfigSyncService>.Instance,
            Options.Create(new ConfigSyncOptions()));
        await sync.StartAsync(deadline.Token);
        var report = await cloud.WaitForAsync(Topics.DeviceReported(_device), EdgeJsonContext.Default.ReportedConfig, _ => true, deadline.Token);
        await sync.StopAsync(deadline.Token);
        await connection.StopAsync(deadline.Token);

        Assert.Equal((_device, "start-group", null), (report.DeviceId, report.Group, report.DeviceVersion));
    }
}
