namespace Edge.Cloud.Rollouts;

using System.Text.Json;
using System.Threading.Channels;
using Edge.Cloud.Mqtt;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using Microsoft.Extensions.Options;
using MQTTnet;

/// <summary>One parsed request waiting for <see cref="BlockServer"/>.</summary>
internal sealed record PendingBlockRequest(string DeviceId, BlockRequest Request);

/// <summary>
/// Parses <c>model/blocks/get</c> requests on the receive path and queues them (bounded) for <see cref="BlockServer"/>;
/// when the queue is full a request is dropped: the device asks again for what it is missing once no block at all has
/// reached it for its <c>Updates:BlockTimeout</c> (a drop costs that device one timeout, not the download).
/// </summary>
internal sealed class BlockRequestHandler : IMqttMessageHandler
{
    private const int MaxPayloadBytes = 8 * 1024;

    private readonly Channel<PendingBlockRequest> _queue;
    private readonly BlockRefusals _refusals;

    public BlockRequestHandler(IOptions<RolloutOptions> options, BlockRefusals refusals)
    {
        _refusals = refusals;
        _queue = Channel.CreateBounded<PendingBlockRequest>(new BoundedChannelOptions(options.Value.BlockQueueCapacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
    }

    public ChannelReader<PendingBlockRequest> Requests => _queue.Reader;

    public string TopicFilter => Topics.AllBlockRequests;

    public Task HandleAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var deviceId = Topics.DeviceIdOf(message.Topic);
        if (deviceId is null || ConfigRules.ValidateName(deviceId, "device id") is not null)
        {
            // One key for every invalid id: a forger cycling through topics gets one line per interval, not one per topic.
            _refusals.Refuse(Observability.DropThrottle.InvalidId, "invalid device id in topic " + message.Topic);
            return Task.CompletedTask;
        }

        var payload = message.Payload;
        if (payload.IsEmpty || payload.Length > MaxPayloadBytes)
        {
            _refusals.Refuse(deviceId, $"the request has {payload.Length} bytes; a block request is 1 to {MaxPayloadBytes}");
            return Task.CompletedTask;
        }

        BlockRequest? request;
        try
        {
            var reader = new Utf8JsonReader(payload);
            request = JsonSerializer.Deserialize(ref reader, EdgeJsonContext.Default.BlockRequest);
        }
        catch (JsonException ex)
        {
            _refusals.Refuse(deviceId, "malformed JSON: " + ex.Message);
            return Task.CompletedTask;
        }

        if (request is null)
        {
            _refusals.Refuse(deviceId, "the request is null");
        }
        else if (!_queue.Writer.TryWrite(new PendingBlockRequest(deviceId, request)))
        {
            _refusals.Refuse(deviceId, "the block queue is full; ask again later");
        }

        return Task.CompletedTask;
    }
}
