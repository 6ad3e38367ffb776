namespace Edge.Cloud.Tests.Support;

using System.Buffers;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

/// <summary>A plain MQTTnet client playing a device: watches desired config, publishes reported config.</summary>
internal sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();

    private MqttProbe()
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            _received.Writer.TryWrite(new Received(m.Topic, m.Payload.ToArray(), m.Retain));
            return Task.CompletedTask;
        };
    }

    public static async Task<MqttProbe> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var probe = new MqttProbe();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("probe-" + Guid.NewGuid().ToString("N")[..8])
            .WithProtocolVersion(MqttProtocolVersion.V500)
            .Build();
        await probe._client.ConnectAsync(options, cancellationToken);
        return probe;
    }

    public Task SubscribeAsync(string topicFilter, CancellationToken cancellationToken) =>
        _client.SubscribeAsync(topicFilter, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);

    public Task PublishAsync(string topic, string payload, bool retain, CancellationToken cancellationToken) =>
        _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithRetainFlag(retain)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken);

    public Task PublishReportedAsync(ReportedConfig config, CancellationToken cancellationToken) =>
        PublishAsync(
            Edge.Shared.Mqtt.Topics.DeviceReported(config.DeviceId),
            JsonSerializer.Serialize(config, EdgeJsonContext.Default.ReportedConfig),
            retain: true,
            cancellationToken);

    /// <summary>The next desired config on <paramref name="topic"/> that satisfies <paramref name="match"/>.</summary>
    public async Task<(DesiredConfig Config, bool Retained)> WaitForDesiredAsync(
        string topic, Func<DesiredConfig, bool> match, CancellationToken cancellationToken)
    {
        await foreach (var message in _received.Reader.ReadAllAsync(cancellationToken))
        {
            if (message.Topic == topic && message.Payload.Length > 0 &&
                JsonSerializer.Deserialize(message.Payload, EdgeJsonContext.Default.DesiredConfig) is { } config && match(config))
            {
                return (config, message.Retained);
            }
        }

        throw new InvalidOperationException("the probe stopped receiving");
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
        }

        _client.Dispose();
    }

    private sealed record Received(string Topic, byte[] Payload, bool Retained);
}
