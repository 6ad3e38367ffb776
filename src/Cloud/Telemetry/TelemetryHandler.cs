namespace Edge.Cloud.Telemetry;

using System.Text.Json;
using System.Threading.Channels;
using Edge.Cloud.Mqtt;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Microsoft.Extensions.Options;
using MQTTnet;

/// <summary>
/// Takes telemetry windows off the MQTT receive path: parse, validate, hand to <see cref="TelemetryIngest"/> through a
/// bounded channel (the receive path never waits on SQLite). Bad or surplus windows are logged and dropped.
/// </summary>
internal sealed partial class TelemetryHandler(
    TelemetryQueue queue,
    IOptions<TelemetryIngestOptions> options,
    ILogger<TelemetryHandler> logger) : IMqttMessageHandler
{
    public string TopicFilter => Topics.AllTelemetry;

    public Task HandleAsync(MqttApplicationMessage message, CancellationToken cancellationToken)
    {
        var payload = message.Payload;
        var deviceId = Topics.DeviceIdOf(message.Topic);
        if (deviceId is null || payload.IsEmpty)
        {
            return Task.CompletedTask;
        }

        if (payload.Length > options.Value.MaxPayloadBytes)
        {
            LogDropped(logger, message.Topic, $"{payload.Length} bytes exceed {options.Value.MaxPayloadBytes}");
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
            LogDropped(logger, message.Topic, "malformed JSON: " + ex.Message);
            return Task.CompletedTask;
        }

        var error = window is null ? "null body" : TelemetryRules.Validate(window, deviceId);
        if (error is not null)
        {
            LogDropped(logger, message.Topic, error);
            return Task.CompletedTask;
        }

        if (!queue.Channel.Writer.TryWrite(window!))
        {
            LogDropped(logger, message.Topic, "the ingest queue is full");
        }

        return Task.CompletedTask;
    }

    [LoggerMessage(EventId = 8501, Level = LogLevel.Warning, Message = "Dropped telemetry on {Topic}: {Reason}")]
    private static partial void LogDropped(ILogger logger, string topic, string reason);
}

/// <summary>The bounded hand-over from <see cref="TelemetryHandler"/> to <see cref="TelemetryIngest"/>.</summary>
internal sealed class TelemetryQueue(IOptions<TelemetryIngestOptions> options)
{
    public Channel<TelemetryWindow> Channel { get; } = System.Threading.Channels.Channel.CreateBounded<TelemetryWindow>(
        new BoundedChannelOptions(options.Value.QueueCapacity) { FullMode = BoundedChannelFullMode.Wait, SingleReader = true });
}
