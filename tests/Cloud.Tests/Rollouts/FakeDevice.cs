namespace Edge.Cloud.Tests.Rollouts;

using System.Buffers;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit;

/// <summary>A plain MQTTnet client playing a device's updater: sees model/desired and block frames, reports status.</summary>
internal sealed class FakeDevice : IAsyncDisposable
{
    private readonly IMqttClient _client = new MqttClientFactory().CreateMqttClient();
    private readonly Channel<byte[]> _desired = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<byte[]> _frames = Channel.CreateUnbounded<byte[]>();

    private FakeDevice(string id)
    {
        Id = id;
        _client.ApplicationMessageReceivedAsync += e =>
        {
            var m = e.ApplicationMessage;
            (m.Topic == Topics.ModelDesired(id) ? _desired : _frames).Writer.TryWrite(m.Payload.ToArray());
            return Task.CompletedTask;
        };
    }

    public string Id { get; }

    public static async Task<FakeDevice> ConnectAsync(int port, string id, CancellationToken cancellationToken)
    {
        var device = new FakeDevice(id);
        var options = new MqttClientOptionsBuilder().WithClientId(id).WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).Build();
        await device._client.ConnectAsync(options, cancellationToken);
        await device._client.SubscribeAsync(
            new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(Topics.ModelDesired(id), MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(Topics.Blocks(id), MqttQualityOfServiceLevel.AtLeastOnce)
                .Build(),
            cancellationToken);
        return device;
    }

    public Task ReportAsync(string? group, CancellationToken cancellationToken) =>
        PublishAsync(Topics.DeviceReported(Id), JsonSerializer.SerializeToUtf8Bytes(new ReportedConfig { DeviceId = Id, Group = group, Threshold = 0.5 }, EdgeJsonContext.Default.ReportedConfig), true, cancellationToken);

    public Task StatusAsync(string rolloutId, UpdateState state, CancellationToken cancellationToken, UpdateFailure? failure = null, string? bodyDeviceId = null) =>
        PublishAsync(
            Topics.ModelStatus(Id),
            JsonSerializer.SerializeToUtf8Bytes(
                new ModelStatus
                {
                    DeviceId = bodyDeviceId ?? Id,
                    State = state,
                    ModelName = RolloutsFixture.Model,
                    RolloutId = rolloutId,
                    TargetVersion = RolloutsFixture.NewVersion,
                    RunningVersion = state == UpdateState.Applied ? RolloutsFixture.NewVersion : RolloutsFixture.OldVersion,
                    Failure = failure,
                    Detail = failure is null ? null : $"test says {failure}",
                    At = DateTimeOffset.UtcNow,
                },
                EdgeJsonContext.Default.ModelStatus),
            true,
            cancellationToken);

    public Task RequestBlocksAsync(string json, CancellationToken cancellationToken) =>
        PublishAsync(Topics.BlockRequests(Id), System.Text.Encoding.UTF8.GetBytes(json), false, cancellationToken);

    public Task RequestBlocksAsync(BlockRequest request, CancellationToken cancellationToken) =>
        PublishAsync(Topics.BlockRequests(Id), JsonSerializer.SerializeToUtf8Bytes(request, EdgeJsonContext.Default.BlockRequest), false, cancellationToken);

    /// <summary>The next model/desired message; null for an empty (cleared) one.</summary>
    public async Task<ModelDesired?> NextDesiredAsync(CancellationToken cancellationToken)
    {
        var payload = await _desired.Reader.ReadAsync(cancellationToken);
        return payload.Length == 0 ? null : JsonSerializer.Deserialize(payload, EdgeJsonContext.Default.ModelDesired);
    }

    public async Task<(ulong Tag, int Index, byte[] Data)> NextFrameAsync(CancellationToken cancellationToken)
    {
        var frame = await _frames.Reader.ReadAsync(cancellationToken);
        Assert.True(BlockFrame.TryRead(frame, out var tag, out var index, out var data), "a frame whose length does not match its header");
        return (tag, index, data.ToArray());
    }

    /// <summary>Fetches every block of <paramref name="payload"/>, at most 64 per request, and joins them in index order.</summary>
    public async Task<byte[]> DownloadAsync(PackagePayload payload, int blockSize, CancellationToken cancellationToken)
    {
        var count = BlockFrame.BlockCount(payload.Size, blockSize);
        var blocks = new byte[count][];
        for (var first = 0; first < count; first += 64)
        {
            var indexes = Enumerable.Range(first, Math.Min(64, count - first)).ToArray();
            await RequestBlocksAsync(new BlockRequest { Payload = payload.Sha256, BlockSize = blockSize, Blocks = indexes }, cancellationToken);
            foreach (var _ in indexes)
            {
                var (tag, index, data) = await NextFrameAsync(cancellationToken);
                Assert.Equal(BlockFrame.PayloadTag(payload.Sha256), tag);
                blocks[index] = data;
            }
        }

        return [.. blocks.SelectMany(b => b)];
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
        }

        _client.Dispose();
    }

    private async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var result = await _client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            cancellationToken);
        Assert.True(result.IsSuccess, $"the broker refused the publish on {topic}: {result.ReasonCode}");
    }
}
