namespace Edge.Agent.Tests.Mqtt;

using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using System.Threading.Channels;
using MQTTnet;
using MQTTnet.Protocol;

/// <summary>A plain MQTTnet client playing the cloud's side: publishes desired config, watches what devices report.</summary>
internal sealed class TestMqttClient : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Channel<(string Topic, byte[] Payload)> _received = Channel.CreateUnbounded<(string, byte[])>();

    private TestMqttClient()
    {
        _client.ApplicationMessageReceivedAsync += e =>
        {
            _received.Writer.TryWrite((e.ApplicationMessage.Topic, e.ApplicationMessage.Payload.ToArray()));
            return Task.CompletedTask;
        };
    }

    public static async Task<TestMqttClient> ConnectAsync(int port, CancellationToken cancellationToken)
    {
        var client = new TestMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", port)
            .WithClientId("test-" + Guid.NewGuid().ToString("N")[..8])
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V500)
            .Build();
        await client._client.ConnectAsync(options, cancellationToken);
        return client;
    }

    public Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken) =>
        _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(payload)
                .WithRetainFlag(retain)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken);

    public Task PublishRetainedAsync(string topic, string json, CancellationToken cancellationToken) =>
        PublishAsync(topic, System.Text.Encoding.UTF8.GetBytes(json), retain: true, cancellationToken);

    /// <summary>An empty retained message: the broker deletes the retained one.</summary>
    public Task ClearRetainedAsync(string topic, CancellationToken cancellationToken) =>
        PublishAsync(topic, [], retain: true, cancellationToken);

    public Task SubscribeAsync(string topicFilter, CancellationToken cancellationToken) =>
        _client.SubscribeAsync(topicFilter, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken);

    /// <summary>The next message on <paramref name="topic"/> whose JSON body satisfies <paramref name="match"/>.</summary>
    public async Task<T> WaitForAsync<T>(string topic, JsonTypeInfo<T> type, Func<T, bool> match, CancellationToken cancellationToken)
    {
        await foreach (var (t, payload) in _received.Reader.ReadAllAsync(cancellationToken))
        {
            if (t == topic && payload.Length > 0 && JsonSerializer.Deserialize(payload, type) is { } value && match(value))
            {
                return value;
            }
        }

        throw new InvalidOperationException("the client stopped receiving");
    }

    public async Task<byte[]> WaitForRawAsync(string topic, CancellationToken cancellationToken)
    {
        await foreach (var (t, payload) in _received.Reader.ReadAllAsync(cancellationToken))
        {
            if (t == topic)
            {
                return payload;
            }
        }

        throw new InvalidOperationException("the client stopped receiving");
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
        }

        _client.Dispose();
    }
}
