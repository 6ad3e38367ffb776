namespace Edge.Cloud.Rollouts;

using System.Text.Json;
using Edge.Cloud.Mqtt;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using MQTTnet;

/// <summary>Takes every device's retained <c>model/status</c>; checks it and hands it to <see cref="RolloutWorker"/>.</summary>
internal sealed class ModelStatusHandler(RolloutEvents events, ILogger<ModelStatusHandler> logger) : IMqttMessageHandler
{
    private const int MaxPayloadBytes = 16 * 1024;

    public string TopicFilter => Topics.AllModelStatus;

    public Task HandleAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var payload = message.Payload;
        if (payload.IsEmpty)
        {
            // A cleared retained status: nothing to record.
            return Task.CompletedTask;
        }

        var deviceId = Topics.DeviceIdOf(message.Topic);
        if (deviceId is null || ConfigRules.ValidateName(deviceId, "device id") is not null)
        {
            RolloutsLog.StatusDropped(logger, message.Topic, "invalid device id in topic");
            return Task.CompletedTask;
        }

        if (payload.Length > MaxPayloadBytes)
        {
            RolloutsLog.StatusDropped(logger, message.Topic, $"{payload.Length} bytes exceed {MaxPayloadBytes}");
            return Task.CompletedTask;
        }

        ModelStatus? status;
        try
        {
            var reader = new Utf8JsonReader(payload);
            status = JsonSerializer.Deserialize(ref reader, EdgeJsonContext.Default.ModelStatus);
        }
        catch (JsonException ex)
        {
            RolloutsLog.StatusDropped(logger, message.Topic, "malformed JSON: " + ex.Message);
            return Task.CompletedTask;
        }

        // A device may only speak for itself.
        if (status is null || !string.Equals(status.DeviceId, deviceId, StringComparison.Ordinal))
        {
            RolloutsLog.StatusDropped(logger, message.Topic, $"the body names device '{status?.DeviceId}'");
            return Task.CompletedTask;
        }

        if (!Enum.IsDefined(status.State) || status.Failure is { } f && !Enum.IsDefined(f))
        {
            RolloutsLog.StatusDropped(logger, message.Topic, "unknown state or failure");
            return Task.CompletedTask;
        }

        events.Status(status);
        return Task.CompletedTask;
    }
}
