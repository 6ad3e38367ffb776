namespace Edge.Agent.Telemetry;

using System.Text.Json;
using Edge.Agent.Hosting;
using Edge.Agent.Mqtt;
using Edge.Agent.Outbox;
using Edge.Agent.Routing;
using Edge.Agent.Serving;
using Edge.Shared.Mqtt;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Microsoft.Extensions.Options;

/// <summary>
/// Every <see cref="TelemetryPublisherOptions.Interval"/> closes a window and publishes it (QoS 1) on the device's telemetry
/// topic. While MQTT is down the window goes into the outbox as <see cref="OutboxKind.Telemetry"/> (bounded there: a full
/// outbox drops audit samples first, then the oldest telemetry); once connected again the backlog is published oldest
/// first, before the new window, each under the id it was made with so the cloud stores it once.
/// </summary>
internal sealed partial class TelemetryPublisher(
    TelemetryWindowCutter cutter,
    AgentMqttConnection mqtt,
    OutboxStore outbox,
    OutboxWriter writer,
    LiveConfig config,
    IModelInfo model,
    IOptions<AgentOptions> agent,
    IOptions<TelemetryPublisherOptions> options,
    TimeProvider time,
    ILogger<TelemetryPublisher> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Without MQTT there is nobody to publish to, and an outbox filling with windows nobody will read helps no one.
        if (!options.Value.Enabled || !mqtt.IsEnabled)
        {
            return;
        }

        var start = time.GetUtcNow();
        cutter.Cut();
        using var timer = new PeriodicTimer(options.Value.Interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var end = time.GetUtcNow();
                try
                {
                    await CloseWindowAsync(start, end, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogFailed(logger, ex);
                }

                start = end;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the open window is not sent (its counts are in /metrics).
        }
    }

    /// <summary>Builds the window ending now and sends it (or keeps it); internal so tests can drive windows.</summary>
    internal async Task CloseWindowAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var (local, cloud, degraded, agreed, disagreed, bins) = cutter.Cut();
        var window = new TelemetryWindow
        {
            Id = Guid.CreateVersion7(end),
            DeviceId = agent.Value.DeviceId,
            Group = agent.Value.Group,
            Start = start,
            End = end,
            Requests = local + cloud + degraded,
            Local = local,
            Cloud = cloud,
            LocalDegraded = degraded,
            Scores = bins,
            AuditAgreed = agreed,
            AuditDisagreed = disagreed,
            ModelVersion = model.ModelVersion,
            ExecutionProvider = model.ExecutionProvider,
            Threshold = config.Current.Threshold,
            OutboxDepth = outbox.Count,
        };
        var payload = JsonSerializer.SerializeToUtf8Bytes(window, EdgeJsonContext.Default.TelemetryWindow);
        var topic = Topics.Telemetry(window.DeviceId);
        if (mqtt.IsConnected && await PublishBacklogAsync(topic, ct) && await mqtt.PublishAsync(topic, payload, cancellationToken: ct))
        {
            return;
        }

        writer.Post(new OutboxEntry(window.Id, end, OutboxKind.Telemetry, "application/json", payload, string.Empty, 0, "telemetry"));
        LogKept(logger, window.Id);
    }

    /// <summary>True when the backlog is empty now (this window may go out after it, keeping the order).</summary>
    private async Task<bool> PublishBacklogAsync(string topic, CancellationToken ct)
    {
        var backlog = outbox.ReadOldest(OutboxKind.Telemetry, options.Value.BacklogBatch);
        var sent = new List<Guid>(backlog.Count);
        foreach (var entry in backlog)
        {
            if (!await mqtt.PublishAsync(topic, entry.Payload, cancellationToken: ct))
            {
                break;
            }

            sent.Add(entry.Id);
        }

        if (sent.Count > 0)
        {
            outbox.Delete(sent);
        }

        return sent.Count == backlog.Count && backlog.Count < options.Value.BacklogBatch;
    }

    [LoggerMessage(EventId = 8400, Level = LogLevel.Debug, Message = "MQTT is down; telemetry window {Id} kept in the outbox")]
    private static partial void LogKept(ILogger logger, Guid id);

    [LoggerMessage(EventId = 8401, Level = LogLevel.Error, Message = "Could not close a telemetry window; the next one goes on")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
