namespace Edge.TestSupport.Fleet;

using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Edge.Shared.Updates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Xunit;

/// <summary>The model a <see cref="FakeDevice"/> runs and the version a rollout moves it to, as its update status names them.</summary>
public sealed record FakeModel(string Name, string Running, string Target);

/// <summary>
/// A simulated device: a plain MQTTnet client on the broker at a loopback port, speaking the device's side of the protocol.
/// It sees its model/desired and block frames (the updater's side), reports config and update status, and, when
/// <see cref="FleetSimulator"/> connects it into a group, runs the threshold it last received on its group's desired topic
/// and publishes telemetry windows of simulated requests.
/// </summary>
public sealed class FakeDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly FakeModel? _model;
    private readonly ScoreDistribution _distribution;
    private readonly Channel<byte[]> _desired = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<byte[]> _frames = Channel.CreateUnbounded<byte[]>();
    private readonly Lock _gate = new();
    private double _threshold = 0.8;
    private long _appliedAt;
    private double _carry;
    private long _cursor;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private FakeDevice(IMqttClient client, string id, FakeModel? model, string? group, double rate, int cursor, ScoreDistribution distribution)
    {
        _client = client;
        _model = model;
        _distribution = distribution;
        Id = id;
        Group = group;
        Rate = rate;
        _cursor = cursor;
    }

    public string Id { get; }

    /// <summary>The group whose desired config the device follows; null for a device outside any simulated fleet.</summary>
    public string? Group { get; }

    /// <summary>Simulated requests per second, for <see cref="PublishAsync(DateTimeOffset, DateTimeOffset, CancellationToken)"/>.</summary>
    public double Rate { get; set; }

    public double Threshold
    {
        get
        {
            lock (_gate)
            {
                return _threshold;
            }
        }
    }

    /// <summary><see cref="Stopwatch.GetTimestamp"/> when the current threshold arrived (for propagation timing).</summary>
    public long AppliedAt
    {
        get
        {
            lock (_gate)
            {
                return _appliedAt;
            }
        }
    }

    /// <summary>Connects device <paramref name="id"/> and subscribes it to its model/desired and block topics.</summary>
    /// <param name="model">What its update status reports; needed only by a device that reports one.</param>
    public static Task<FakeDevice> ConnectAsync(int port, string id, CancellationToken cancellationToken, FakeModel? model = null) =>
        ConnectAsync(port, id, model, group: null, rate: 0, cursor: 0, ScoreDistribution.Synthetic, cancellationToken);

    /// <summary>A fleet member: also follows <paramref name="group"/>'s desired threshold and simulates requests from <paramref name="distribution"/>.</summary>
    internal static Task<FakeDevice> ConnectAsync(int port, string id, string group, double rate, int cursor, ScoreDistribution distribution, CancellationToken ct) =>
        ConnectAsync(port, id, model: null, group, rate, cursor, distribution, ct);

    public Task ReportAsync(ReportedConfig config, CancellationToken cancellationToken) =>
        PublishAsync(Topics.DeviceReported(Id), JsonSerializer.SerializeToUtf8Bytes(config, EdgeJsonContext.Default.ReportedConfig), true, cancellationToken);

    /// <summary>Reports membership of <paramref name="group"/> (threshold 0.5), so the cloud knows the device.</summary>
    public Task ReportAsync(string? group, CancellationToken cancellationToken) =>
        ReportAsync(new ReportedConfig { DeviceId = Id, Group = group, Threshold = 0.5 }, cancellationToken);

    /// <summary>Reports an update of its model to the model's target version.</summary>
    /// <param name="bodyDeviceId">The device id the status claims to be from (another device's, to test spoofing).</param>
    public Task StatusAsync(string? rolloutId, UpdateState state, CancellationToken cancellationToken, UpdateFailure? failure = null, string? bodyDeviceId = null) =>
        StatusAsync(rolloutId, Model.Target, state, cancellationToken, failure, bodyDeviceId);

    /// <summary>Reports an update of its model to <paramref name="version"/>: running it once applied, its old version before.</summary>
    public Task StatusAsync(string? rolloutId, string version, UpdateState state, CancellationToken cancellationToken, UpdateFailure? failure = null, string? bodyDeviceId = null) =>
        PublishAsync(
            Topics.ModelStatus(Id),
            JsonSerializer.SerializeToUtf8Bytes(
                new ModelStatus
                {
                    DeviceId = bodyDeviceId ?? Id,
                    State = state,
                    ModelName = Model.Name,
                    RolloutId = rolloutId,
                    TargetVersion = version,
                    RunningVersion = state == UpdateState.Applied ? version : Model.Running,
                    Failure = failure,
                    Detail = failure is null ? null : $"the test device says {failure}",
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
        ArgumentNullException.ThrowIfNull(payload);
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

    /// <summary>Completes once the device runs a threshold satisfying <paramref name="match"/>.</summary>
    public async Task WaitForThresholdAsync(Func<double, bool> match, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(match);
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (match(_threshold))
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(ct);
        }
    }

    /// <summary>Publishes one window (QoS 1) and returns what its requests did.</summary>
    public async Task<WindowTotals> PublishAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var threshold = Threshold;
        var exact = (Rate * (end - start).TotalSeconds) + _carry;
        var requests = (long)exact;
        _carry = exact - requests;
        var bins = new long[ScoreBins.Count];
        long cloud = 0, correct = 0;
        for (var i = 0; i < requests; i++)
        {
            var k = _distribution.Index(_cursor++);
            var score = _distribution.Scores[k];
            bins[ScoreBins.Of(score)]++;
            var toCloud = score < threshold;
            cloud += toCloud ? 1 : 0;
            correct += (toCloud ? _distribution.CloudCorrect[k] : _distribution.EdgeCorrect[k]) ? 1 : 0;
        }

        var window = new TelemetryWindow
        {
            Id = Guid.CreateVersion7(), DeviceId = Id, Group = Group, Start = start, End = end, Requests = requests,
            Local = requests - cloud, Cloud = cloud, Scores = bins, Threshold = threshold, ModelVersion = "sim", ExecutionProvider = "CPU",
        };
        await _client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(Topics.Telemetry(Id))
                .WithPayload(JsonSerializer.SerializeToUtf8Bytes(window, EdgeJsonContext.Default.TelemetryWindow))
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            ct);
        return new WindowTotals(requests, cloud, correct, (end - start).TotalSeconds);
    }

    public async ValueTask DisposeAsync()
    {
        if (_client.IsConnected)
        {
            await _client.DisconnectAsync(new MqttClientDisconnectOptions(), CancellationToken.None);
        }

        _client.Dispose();
    }

    private FakeModel Model => _model ?? throw new InvalidOperationException($"device {Id} was connected without a model, so it has no update status to report");

    private static async Task<FakeDevice> ConnectAsync(
        int port, string id, FakeModel? model, string? group, double rate, int cursor, ScoreDistribution distribution, CancellationToken ct)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new FakeDevice(client, id, model, group, rate, cursor, distribution);
        client.ApplicationMessageReceivedAsync += e =>
        {
            device.Receive(e.ApplicationMessage);
            return Task.CompletedTask;
        };
        try
        {
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithClientId(id).WithCredentials(TestCredentials.CloudUser, TestCredentials.CloudPassword).WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).Build(), ct);
            var subscriptions = new MqttClientSubscribeOptionsBuilder()
                .WithTopicFilter(Topics.ModelDesired(id), MqttQualityOfServiceLevel.AtLeastOnce)
                .WithTopicFilter(Topics.Blocks(id), MqttQualityOfServiceLevel.AtLeastOnce);
            if (group is not null)
            {
                subscriptions.WithTopicFilter(Topics.GroupDesired(group), MqttQualityOfServiceLevel.AtLeastOnce);
            }

            await client.SubscribeAsync(subscriptions.Build(), ct);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return device;
    }

    private void Receive(MqttApplicationMessage message)
    {
        if (message.Topic == Topics.ModelDesired(Id))
        {
            _desired.Writer.TryWrite(message.Payload.ToArray());
        }
        else if (message.Topic == Topics.Blocks(Id))
        {
            _frames.Writer.TryWrite(message.Payload.ToArray());
        }
        else if (message.Payload.Length > 0 &&
            JsonSerializer.Deserialize(message.Payload.ToArray(), EdgeJsonContext.Default.DesiredConfig) is { Threshold: { } t })
        {
            Apply(t);
        }
    }

    private async Task PublishAsync(string topic, byte[] payload, bool retain, CancellationToken cancellationToken)
    {
        var result = await _client.PublishAsync(
            new MqttApplicationMessageBuilder().WithTopic(topic).WithPayload(payload).WithRetainFlag(retain)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build(),
            cancellationToken);
        Assert.True(result.IsSuccess, $"the broker refused the publish on {topic}: {result.ReasonCode}");
    }

    private void Apply(double threshold)
    {
        TaskCompletionSource changed;
        lock (_gate)
        {
            _threshold = threshold;
            _appliedAt = Stopwatch.GetTimestamp();
            (changed, _changed) = (_changed, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        }

        changed.TrySetResult();
    }
}
