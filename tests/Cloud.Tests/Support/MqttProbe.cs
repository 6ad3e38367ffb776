namespace Edge.Cloud.Tests.Support;

using System.Buffers;
using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Edge.TestSupport;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

/// <summary>A plain MQTTnet client playing a device: watches desired config, publishes reported config.</summary>
internal sealed class MqttProbe : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Channel<Received> _received = Channel.CreateUnbounded<Received>();
    private readonly TaskCompletionSource _disconnected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private MqttProbe()
    {
        _client.DisconnectedAsync += e =>
        {
            if (e.ClientWasConnected)
            {
                _disconnected.TrySetResult();
            }

            return Task.CompletedTask;
        };
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            ReceivedTopics.Enqueue(m.Topic);
            _received.Writer.TryWrite(new Received(m.Topic, m.Payload.ToArray(), m.Retain));
            return Task.CompletedTask;
        };
    }

    /// <summary>How a device logs in when the broker checks: its id is both username and client id.</summary>
    public static MqttClientOptionsBuilder DeviceLogin(string deviceId, string password) =>
        new MqttClientOptionsBuilder().WithClientId(deviceId).WithCredentials(deviceId, password);

    /// <summary>The topic of every message received so far, in order, whether or not a wait consumed it.</summary>
    public ConcurrentQueue<string> ReceivedTopics { get; } = new();

    /// <summary>Whether the broker still holds this client's connection.</summary>
    public bool IsConnected => _client.IsConnected;

    /// <summary>Completes when a connection this probe had is lost (the broker ended it, or the link went).</summary>
    public Task Disconnected => _disconnected.Task;

    public static Task<MqttProbe> ConnectAsync(int port, CancellationToken cancellationToken) =>
        ConnectAsync(port, new MqttClientOptionsBuilder().WithClientId("probe-" + Guid.NewGuid().ToString("N")[..8]).WithCredentials(TestCredentials.CloudUser, TestCredentials.CloudPassword), cancellationToken);

    /// <summary>Connects with <paramref name="options"/> (credentials, client id, will) plus the broker's address.</summary>
    /// <exception cref="InvalidOperationException">The broker refused the connection.</exception>
    public static async Task<MqttProbe> ConnectAsync(int port, MqttClientOptionsBuilder options, CancellationToken cancellationToken)
    {
        var probe = new MqttProbe();
        var code = await probe.ConnectCoreAsync(port, options, cancellationToken);
        if (code != MqttClientConnectResultCode.Success)
        {
            probe._client.Dispose();
            throw new InvalidOperationException($"the broker refused the connection: {code}");
        }

        return probe;
    }

    /// <summary>How the broker answers a CONNECT with <paramref name="options"/>; the connection is closed again.</summary>
    public static async Task<MqttClientConnectResultCode> TryConnectAsync(int port, MqttClientOptionsBuilder options, CancellationToken cancellationToken)
    {
        await using var probe = new MqttProbe();
        return await probe.ConnectCoreAsync(port, options, cancellationToken);
    }

    public async Task<MqttClientSubscribeResultCode> SubscribeAsync(string topicFilter, CancellationToken cancellationToken) =>
        (await _client.SubscribeAsync(topicFilter, MqttQualityOfServiceLevel.AtLeastOnce, cancellationToken)).Items.Single().ResultCode;

    /// <summary>Ends the connection without a DISCONNECT, as a power cut would (the broker then sends the will).</summary>
    public void Drop() => _client.Dispose();

    /// <summary>The next message on a topic matching <paramref name="topicFilter"/>, with its raw payload.</summary>
    public async Task<(string Topic, byte[] Payload)> WaitForAnyAsync(string topicFilter, CancellationToken cancellationToken)
    {
        await foreach (var message in _received.Reader.ReadAllAsync(cancellationToken))
        {
            if (MqttTopicFilterComparer.Compare(message.Topic, topicFilter) == MqttTopicFilterCompareResult.IsMatch)
            {
                return (message.Topic, message.Payload);
            }
        }

        throw new InvalidOperationException("the probe stopped receiving");
    }

    public Task<MqttClientPublishResult> PublishAsync(string topic, string payload, bool retain, CancellationToken cancellationToken) =>
        _client.PublishAsync(
            new MqttApplicationMessageBuilder()
                .WithTopic(topic)
                .WithPayload(Encoding.UTF8.GetBytes(payload))
                .WithRetainFlag(retain)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken);

    public Task<MqttClientPublishResult> PublishReportedAsync(ReportedConfig config, CancellationToken cancellationToken) =>
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

    private async Task<MqttClientConnectResultCode> ConnectCoreAsync(int port, MqttClientOptionsBuilder options, CancellationToken cancellationToken)
    {
        try
        {
            // MQTTnet 5 answers a refused CONNECT with a result code instead of an exception.
            var result = await _client.ConnectAsync(options.WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).Build(), cancellationToken);
            return result.ResultCode;
        }
        catch
        {
            _client.Dispose();
            throw;
        }
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
