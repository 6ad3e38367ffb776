namespace Edge.Cloud.Devices;

using System.Text.Json;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Observability;
using Edge.Cloud.Security;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using MQTTnet;

/// <summary>Stores every device's retained <c>config/reported</c> message; bad ones are logged and dropped.</summary>
internal sealed partial class ReportedConfigHandler(
    ReportedConfigStore store, DeviceEnrollments enrollments, CloudMetrics metrics, ILogger<ReportedConfigHandler> logger) : IMqttMessageHandler
{
    private const int MaxPayloadBytes = 64 * 1024;

    public string TopicFilter => Topics.AllReported;

    public async Task HandleAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var payload = message.Payload;
        if (payload.IsEmpty)
        {
            // An empty retained message only clears the broker's copy; there is nothing to record.
            return;
        }

        var deviceId = Topics.DeviceIdOf(message.Topic);
        if (deviceId is null || ConfigRules.ValidateName(deviceId, "device id") is not null)
        {
            LogRejected(logger, message.Topic, "invalid device id in topic");
            return;
        }

        if (payload.Length > MaxPayloadBytes)
        {
            LogTooLarge(logger, message.Topic, payload.Length, MaxPayloadBytes);
            return;
        }

        ReportedConfig? config;
        try
        {
            var reader = new Utf8JsonReader(payload);
            config = JsonSerializer.Deserialize(ref reader, EdgeJsonContext.Default.ReportedConfig);
        }
        catch (JsonException ex)
        {
            LogMalformed(logger, message.Topic, ex.Message);
            return;
        }

        // A device may only speak for itself: the id in the body must be the one in the topic.
        if (config is null || !string.Equals(config.DeviceId, deviceId, StringComparison.Ordinal))
        {
            LogSpoofed(logger, message.Topic, config?.DeviceId);
            return;
        }

        // The group is shown by /v1/devices and names a topic level; a device may not make it up freely.
        if (config.Group is { } group && ConfigRules.ValidateName(group, "group") is { } groupError)
        {
            LogRejected(logger, message.Topic, groupError);
            return;
        }

        // An enrolled device's group is the cloud's record (rollouts and the load controller go by it), not its claim.
        if (await enrollments.GroupOfAsync(deviceId, cancellationToken) is { } enrolled && !string.Equals(config.Group, enrolled, StringComparison.Ordinal))
        {
            LogRejected(logger, message.Topic, $"the device was enrolled in group '{enrolled}', not '{config.Group}'");
            return;
        }

        await store.RecordAsync(config, cancellationToken);
        metrics.DeviceReported();
        LogReported(logger, deviceId, config.Threshold, config.ThresholdSource, config.DeviceVersion ?? config.GroupVersion ?? config.FleetVersion);
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Device {DeviceId} reports threshold {Threshold} from {Source} (version {Version})")]
    private static partial void LogReported(ILogger logger, string deviceId, double threshold, ConfigScope? source, long? version);

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Dropped reported config on {Topic}: {Reason}")]
    private static partial void LogRejected(ILogger logger, string topic, string reason);

    [LoggerMessage(EventId = 2603, Level = LogLevel.Warning, Message = "Dropped reported config on {Topic}: {Bytes} bytes exceed {MaxBytes}")]
    private static partial void LogTooLarge(ILogger logger, string topic, long bytes, int maxBytes);

    [LoggerMessage(EventId = 2604, Level = LogLevel.Warning, Message = "Dropped reported config on {Topic}: malformed JSON: {Error}")]
    private static partial void LogMalformed(ILogger logger, string topic, string error);

    [LoggerMessage(EventId = 2605, Level = LogLevel.Warning, Message = "Dropped reported config on {Topic}: the body names device {BodyDeviceId}")]
    private static partial void LogSpoofed(ILogger logger, string topic, string? bodyDeviceId);
}
