namespace Edge.Cloud.Rollouts;

using System.Text.Json;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Observability;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Observability;
using Edge.Shared.Serialization;
using Edge.Shared.Updates;
using MQTTnet;

/// <summary>
/// Takes every device's retained <c>model/status</c>; checks it and hands it to <see cref="RolloutWorker"/>. Bad ones are
/// dropped and logged at most once per device per 10 s, values escaped.
/// </summary>
internal sealed class ModelStatusHandler(RolloutEvents events, TimeProvider time, ILogger<ModelStatusHandler> logger) : IMqttMessageHandler
{
    private const int MaxPayloadBytes = 16 * 1024;

    private readonly DropThrottle _throttle = new(time);

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
            Drop(message.Topic, null, "invalid device id in topic");
            return Task.CompletedTask;
        }

        if (payload.Length > MaxPayloadBytes)
        {
            Drop(message.Topic, deviceId, $"{payload.Length} bytes exceed {MaxPayloadBytes}");
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
            Drop(message.Topic, deviceId, "malformed JSON: " + ex.Message);
            return Task.CompletedTask;
        }

        // A device may only speak for itself.
        if (status is null || !string.Equals(status.DeviceId, deviceId, StringComparison.Ordinal))
        {
            Drop(message.Topic, deviceId, $"the body names device '{status?.DeviceId}'");
            return Task.CompletedTask;
        }

        if (!Enum.IsDefined(status.State) || status.Failure is { } f && !Enum.IsDefined(f))
        {
            Drop(message.Topic, deviceId, "unknown state or failure");
            return Task.CompletedTask;
        }

        events.Status(status);
        return Task.CompletedTask;
    }

    private void Drop(string topic, string? deviceId, string reason)
    {
        if (_throttle.ShouldLog(DropThrottle.KeyOf(deviceId), out var suppressed))
        {
            RolloutsLog.StatusDropped(logger, LogText.Escape(topic), LogText.Escape(reason, 1024), suppressed);
        }
    }
}
