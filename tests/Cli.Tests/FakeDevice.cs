namespace Edge.Cli.Tests;

using System.Text.Json;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit;

/// <summary>A plain MQTT client speaking for a device on the cloud's embedded broker: reports config and update status.</summary>
internal sealed class FakeDevice : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();

    private FakeDevice(string id) => Id = id;

    public string Id { get; }

    public static async Task<FakeDevice> ConnectAsync(RealCloud cloud, string id, CancellationToken cancellationToken)
    {
        var device = new FakeDevice(id);
        var options = new MqttClientOptionsBuilder().WithClientId(id).WithTcpServer("127.0.0.1", cloud.MqttPort).WithProtocolVersion(MqttProtocolVersion.V500).Build();
        await device._client.ConnectAsync(options, cancellationToken);
        return device;
    }

    public Task ReportAsync(ReportedConfig config, CancellationToken cancellationToken) =>
        PublishAsync(Topics.DeviceReported(Id), JsonSerializer.SerializeToUtf8Bytes(config, EdgeJsonContext.Default.ReportedConfig), cancellationToken);

    public Task StatusAsync(string? rolloutId, string version, UpdateState state, CancellationToken cancellationToken, UpdateFailure? failure = null) =>
        PublishAsync(
            Topics.ModelStatus(Id),
            JsonSerializer.SerializeToUtf8Bytes(
                new ModelStatus
                {
                    DeviceId = Id,
                    State = state,
                    ModelName = CliCloudFixture.Model,
                    RolloutId = rolloutId,
                    TargetVersion = version,
                    RunningVersion = state == UpdateState.Applied ? version : CliCloudFixture.OldVersion,
                    Failure = failure,
                    Detail = failure is null ? null : $"the test device says {failure}",
                    At = DateTimeOffset.UtcNow,
                },
                EdgeJsonContext.Default.ModelStatus),
            cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
        }

        _client.Dispose();
    }

    private async Task PublishAsync(string topic, byte[] payload, CancellationToken cancellationToken)
    {
        var result = await _client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(true)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            cancellationToken);
        Assert.True(result.IsSuccess, $"the broker refused the publish on {topic}: {result.ReasonCode}");
    }
}
