namespace Edge.Cloud.Telemetry;

using System.Text.Json;
using System.Threading.Channels;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Observability;
using Edge.Shared.Config;
using Edge.Shared.Mqtt;
using Edge.Shared.Observability;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Microsoft.Extensions.Options;
using MQTTnet;

/// <summary>
/// Takes telemetry windows off the MQTT receive path: parse, validate, hand to <see cref="TelemetryIngest"/> through a
/// bounded channel (the receive path never waits on SQLite). Bad or surplus windows are dropped and logged (at most once
/// per device per 10 s, values escaped). The group a device is enrolled in replaces the one its body claims.
/// </summary>
internal sealed partial class TelemetryHandler(
    TelemetryQueue queue,
    IOptions<TelemetryIngestOptions> options,
    Edge.Cloud.Devices.IEnrolledGroups groups,
    TimeProvider time,
    ILogger<TelemetryHandler> logger) : IMqttMessageHandler
{
    private readonly DropThrottle _throttle = new(time);

    public string TopicFilter => Topics.AllTelemetry;

    public Task HandleAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var payload = message.Payload;
        var deviceId = Topics.DeviceIdOf(message.Topic);
        if (deviceId is null || ConfigRules.ValidateName(deviceId, "device id") is not null)
        {
            Drop(message.Topic, null, "invalid device id in topic");
            return Task.CompletedTask;
        }

        if (payload.IsEmpty)
        {
            return Task.CompletedTask;
        }

        if (payload.Length > options.Value.MaxPayloadBytes)
        {
            Drop(message.Topic, deviceId, $"{payload.Length} bytes exceed {options.Value.MaxPayloadBytes}");
            return Task.CompletedTask;
        }

        TelemetryWindow? window;
        try
        {
            var reader = new Utf8JsonReader(payload);
            window = JsonSerializer.Deserialize(ref reader, EdgeJsonContext.Default.TelemetryWindow);
        }
        catch (JsonException ex)
        {
            Drop(message.Topic, deviceId, "malformed JSON: " + ex.Message);
            return Task.CompletedTask;
        }

        var error = window is null ? "null body" : TelemetryRules.Validate(window, deviceId);
        if (error is not null)
        {
            Drop(message.Topic, deviceId, error);
            return Task.CompletedTask;
        }

        // A device speaks for itself only: its group is the one it was enrolled in, whatever the body says.
        if (groups.GroupOf(deviceId) is { } enrolled)
        {
            window!.Group = enrolled;
        }

        if (!queue.Channel.Writer.TryWrite(window!))
        {
            Drop(message.Topic, deviceId, "the ingest queue is full");
        }

        return Task.CompletedTask;
    }

    private void Drop(string topic, string? deviceId, string reason)
    {
        if (_throttle.ShouldLog(DropThrottle.KeyOf(deviceId), out var suppressed))
        {
            LogDropped(logger, LogText.Escape(topic), LogText.Escape(reason, 1024), suppressed);
        }
    }

    [LoggerMessage(EventId = 8501, Level = LogLevel.Warning, Message = "Dropped telemetry on {Topic}: {Reason} ({Suppressed} similar ones not logged)")]
    private static partial void LogDropped(ILogger logger, string topic, string reason, int suppressed);
}

/// <summary>The bounded hand-over from <see cref="TelemetryHandler"/> to <see cref="TelemetryIngest"/>.</summary>
internal sealed class TelemetryQueue(IOptions<TelemetryIngestOptions> options)
{
    public Channel<TelemetryWindow> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<TelemetryWindow>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
}
