namespace Edge.Cloud.Telemetry;

using System.Globalization;
using System.Text.Json;
using Edge.Cloud.Devices;
using Edge.Cloud.Storage;
using Edge.Shared.Serialization;
using Edge.Shared.Telemetry;
using Microsoft.Data.Sqlite;

/// <summary>
/// Stores queued windows in <c>telemetry_windows</c> (<c>INSERT OR IGNORE</c> on the device's id, so a window sent
/// again from a device's outbox is stored once) in batches of whatever is waiting, and adds each new one to
/// <see cref="TelemetryAggregator"/>. On start it reloads the windows that are still inside the horizon.
/// </summary>
internal sealed partial class TelemetryIngest(
    TelemetryQueue queue,
    TelemetryAggregator aggregator,
    SqliteDatabase database,
    ReportedConfigStore devices,
    TimeProvider time,
    ILogger<TelemetryIngest> logger) : BackgroundService
{
    private const int MaxBatch = 500;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await ReloadAsync(stoppingToken);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogReloadFailed(logger, ex);
        }

        var reader = queue.Channel.Reader;
        var batch = new List<TelemetryWindow>(MaxBatch);
        try
        {
            while (await reader.WaitToReadAsync(stoppingToken))
            {
                while (batch.Count < MaxBatch && reader.TryRead(out var window))
                {
                    batch.Add(window);
                }

                try
                {
                    await StoreAsync(batch, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogStoreFailed(logger, ex, batch.Count);
                }

                batch.Clear();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: windows still queued are lost with the process, as are those the broker had not delivered.
        }
    }

    private async Task StoreAsync(List<TelemetryWindow> batch, CancellationToken cancellationToken)
    {
        var fresh = new List<TelemetryWindow>(batch.Count);
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken))
        {
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = """
                INSERT OR IGNORE INTO telemetry_windows (id, device_id, group_name, start_at, end_at, received_at, json)
                VALUES ($id, $device, $group, $start, $end, $at, $json);
                """;
            var id = insert.Parameters.Add("$id", SqliteType.Text);
            var device = insert.Parameters.Add("$device", SqliteType.Text);
            var group = insert.Parameters.Add("$group", SqliteType.Text);
            var start = insert.Parameters.Add("$start", SqliteType.Text);
            var end = insert.Parameters.Add("$end", SqliteType.Text);
            var json = insert.Parameters.Add("$json", SqliteType.Text);
            insert.Parameters.AddWithValue("$at", Format(time.GetUtcNow()));
            foreach (var window in batch)
            {
                // An enrolled device's window already carries its enrolled group (TelemetryHandler sets it on receipt).
                var resolved = window.Group is null && (await devices.GetAsync(window.DeviceId, cancellationToken))?.Group is { } reported
                    ? With(window, reported)
                    : window;
                id.Value = resolved.Id.ToString("D");
                device.Value = resolved.DeviceId;
                group.Value = (object?)resolved.Group ?? DBNull.Value;
                start.Value = Format(resolved.Start);
                end.Value = Format(resolved.End);
                json.Value = JsonSerializer.Serialize(resolved, EdgeJsonContext.Default.TelemetryWindow);
                if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
                {
                    fresh.Add(resolved);
                }
            }

            await transaction.CommitAsync(cancellationToken);
        }

        foreach (var window in fresh)
        {
            aggregator.Add(window);
        }
    }

    private async Task ReloadAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT json FROM telemetry_windows ORDER BY end_at DESC LIMIT 20000;";
        var windows = new List<TelemetryWindow>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                if (JsonSerializer.Deserialize(reader.GetString(0), EdgeJsonContext.Default.TelemetryWindow) is { } window)
                {
                    windows.Add(window);
                }
            }
        }

        foreach (var window in windows.OrderBy(w => w.End))
        {
            aggregator.Add(window);
        }
    }

    private static TelemetryWindow With(TelemetryWindow w, string group) => new()
    {
        Id = w.Id, DeviceId = w.DeviceId, Group = group, Start = w.Start, End = w.End, Requests = w.Requests, Local = w.Local,
        Cloud = w.Cloud, LocalDegraded = w.LocalDegraded, Scores = w.Scores, AuditAgreed = w.AuditAgreed, AuditDisagreed = w.AuditDisagreed,
        ModelVersion = w.ModelVersion, ExecutionProvider = w.ExecutionProvider, Threshold = w.Threshold, OutboxDepth = w.OutboxDepth,
    };

    private static string Format(DateTimeOffset at) => at.ToUniversalTime().ToString("O", CultureInfo.InvariantCulture);

    [LoggerMessage(EventId = 8510, Level = LogLevel.Error, Message = "Could not store {Count} telemetry windows; they are lost")]
    private static partial void LogStoreFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 8511, Level = LogLevel.Error, Message = "Could not reload recent telemetry windows; group rates start empty")]
    private static partial void LogReloadFailed(ILogger logger, Exception exception);
}
