namespace Edge.Cloud.Devices;

using System.Text.Json;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Observability;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Observability;
using Edge.Shared.Serialization;
using MQTTnet;

/// <summary>
/// Stores every device's retained <c>config/reported</c> message; bad ones are dropped and logged (at most once per device
/// per 10 s, values escaped). The group a device is enrolled in replaces the one its report claims.
/// </summary>
internal sealed partial class ReportedConfigHandler(
    ReportedConfigStore store,
    CloudMetrics metrics,
    IEnrolledGroups groups,
    TimeProvider time,
    ILogger<ReportedConfigHandler> logger) : IMqttMessageHandler
{
    private const int MaxPayloadBytes = 64 * 1024;

    private readonly DropThrottle _throttle = new(time);

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
            Drop(message.Topic, null, "invalid device id in topic");
            return;
        }

        if (payload.Length > MaxPayloadBytes)
        {
            Drop(message.Topic, deviceId, $"{payload.Length} bytes exceed {MaxPayloadBytes}");
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
            Drop(message.Topic, deviceId, "malformed JSON: " + ex.Message);
            return;
        }

        // A device may only speak for itself: the id in the body must be the one in the topic.
        if (config is null || !string.Equals(config.DeviceId, deviceId, StringComparison.Ordinal))
        {
            Drop(message.Topic, deviceId, $"the body names device {config?.DeviceId}");
            return;
        }

        // The group is shown by /v1/devices and names a topic level; a device may not make it up freely.
        if (config.Group is { } group && ConfigRules.ValidateName(group, "group") is { } groupError)
        {
            Drop(message.Topic, deviceId, groupError);
            return;
        }

        // An enrolled device's group is the operator's record, not the device's claim.
        if (groups.GroupOf(deviceId) is { } enrolled && !string.Equals(config.Group, enrolled, StringComparison.Ordinal))
        {
            Drop(message.Topic, deviceId, $"the report claims group {config.Group}; recorded as enrolled group {enrolled}", stored: true);
            config.Group = enrolled;
        }

        await store.RecordAsync(config, cancellationToken);
        metrics.DeviceReported();
        LogReported(logger, deviceId, config.Threshold, config.ThresholdSource, config.DeviceVersion ?? config.GroupVersion ?? config.FleetVersion);
    }

    [LoggerMessage(EventId = 2601, Level = LogLevel.Information, Message = "Device {DeviceId} reports threshold {Threshold} from {Source} (version {Version})")]
    private static partial void LogReported(ILogger logger, string deviceId, double threshold, ConfigScope? source, long? version);

    private void Drop(string topic, string? deviceId, string reason, bool stored = false)
    {
        if (_throttle.ShouldLog(DropThrottle.KeyOf(deviceId) + (stored ? "/group" : string.Empty), out var suppressed))
        {
            LogRejected(logger, LogText.Escape(topic), LogText.Escape(stored ? reason : "dropped: " + reason, 1024), suppressed);
        }
    }

    [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Reported config on {Topic}: {Reason} ({Suppressed} similar ones not logged)")]
    private static partial void LogRejected(ILogger logger, string topic, string reason, int suppressed);
}
