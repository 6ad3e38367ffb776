namespace Edge.TestSupport.Fleet;

using System.Buffers;
using System.Diagnostics;
using System.Text.Json;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;

/// <summary>One simulated device: an MQTT client that runs the threshold it last received and reports windows.</summary>
public sealed class SimDevice : IAsyncDisposable
{
    private readonly IMqttClient _client;
    private readonly ScoreDistribution _distribution;
    private readonly Lock _gate = new();
    private double _threshold = 0.8;
    private long _appliedAt;
    private double _carry;
    private long _cursor;
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SimDevice(IMqttClient client, string id, string group, double rate, int cursor, ScoreDistribution distribution)
    {
        _client = client;
        _distribution = distribution;
        Id = id;
        Group = group;
        Rate = rate;
        _cursor = cursor;
    }

    public string Id { get; }

    public string Group { get; }

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

    internal static async Task<SimDevice> ConnectAsync(int port, string id, string group, double rate, int cursor, ScoreDistribution distribution, CancellationToken ct)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        var device = new SimDevice(client, id, group, rate, cursor, distribution);
        client.ApplicationMessageReceivedAsync += e =>
        {
            if (e.ApplicationMessage.Payload.Length > 0 &&
                JsonSerializer.Deserialize(e.ApplicationMessage.Payload.ToArray(), EdgeJsonContext.Default.DesiredConfig) is { Threshold: { } t })
            {
                device.Apply(t);
            }

            return Task.CompletedTask;
        };
        try
        {
            await client.ConnectAsync(new MqttClientOptionsBuilder().WithClientId(id).WithTcpServer("127.0.0.1", port).WithProtocolVersion(MqttProtocolVersion.V500).Build(), ct);
            await client.SubscribeAsync(Topics.GroupDesired(group), MqttQualityOfServiceLevel.AtLeastOnce, ct);
        }
        catch
        {
            client.Dispose();
            throw;
        }

        return device;
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
