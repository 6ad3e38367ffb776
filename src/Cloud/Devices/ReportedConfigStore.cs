namespace Edge.Cloud.Devices;

using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Edge.Cloud.Storage;
using Edge.Shared.Config;
using Edge.Shared.Serialization;

/// <summary>
/// The last config each device reported applying: persisted in <c>device_reported</c> and kept in memory.
/// <see cref="Received"/> and <see cref="WaitForAsync"/> let the demo and tests see a device apply a change.
/// </summary>
internal sealed class ReportedConfigStore(SqliteDatabase database, TimeProvider time) : IDisposable
{
    private readonly ConcurrentDictionary<string, ReportedConfig> _latest = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _loadGate = new(1, 1);
    private volatile bool _loaded;

    /// <summary>Raised after a report is stored. Runs on the MQTT receive path: keep handlers short.</summary>
    public event Action<ReportedConfig>? Received;

    public async Task RecordAsync(ReportedConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO device_reported (device_id, group_name, json, received_at) VALUES ($id, $group, $json, $at)
                ON CONFLICT (device_id) DO UPDATE SET group_name = excluded.group_name, json = excluded.json, received_at = excluded.received_at;
                """;
            command.Parameters.AddWithValue("$id", config.DeviceId);
            command.Parameters.AddWithValue("$group", (object?)config.Group ?? DBNull.Value);
            command.Parameters.AddWithValue("$json", JsonSerializer.Serialize(config, EdgeJsonContext.Default.ReportedConfig));
            command.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        _latest[config.DeviceId] = config;
        Received?.Invoke(config);
    }

    public async Task<IReadOnlyList<ReportedConfig>> GetAllAsync(CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return [.. _latest.Values.OrderBy(c => c.DeviceId, StringComparer.Ordinal)];
    }

    public async Task<ReportedConfig?> GetAsync(string deviceId, CancellationToken cancellationToken)
    {
        await EnsureLoadedAsync(cancellationToken);
        return _latest.GetValueOrDefault(deviceId);
    }

    /// <summary>Completes with the device's report once one satisfies <paramref name="predicate"/> (at once if the current one does).</summary>
    public async Task<ReportedConfig> WaitForAsync(string deviceId, Func<ReportedConfig, bool> predicate, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        var match = new TaskCompletionSource<ReportedConfig>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnReceived(ReportedConfig config)
        {
            if (!string.Equals(config.DeviceId, deviceId, StringComparison.Ordinal))
            {
                return;
            }

            try
            {
                if (predicate(config))
                {
                    match.TrySetResult(config);
                }
            }
            catch (Exception ex)
            {
                match.TrySetException(ex);
            }
        }

        Received += OnReceived;
        try
        {
            var current = await GetAsync(deviceId, cancellationToken);
            if (current is not null && predicate(current))
            {
                return current;
            }

            return await match.Task.WaitAsync(cancellationToken);
        }
        finally
        {
            Received -= OnReceived;
        }
    }

    public void Dispose() => _loadGate.Dispose();

    private async Task EnsureLoadedAsync(CancellationToken cancellationToken)
    {
        if (_loaded)
        {
            return;
        }

        await _loadGate.WaitAsync(cancellationToken);
        try
        {
            if (_loaded)
            {
                return;
            }

            await using var connection = await database.OpenAsync(cancellationToken);
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT json FROM device_reported;";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                if (JsonSerializer.Deserialize(reader.GetString(0), EdgeJsonContext.Default.ReportedConfig) is { } config)
                {
                    // TryAdd: a report that arrived over MQTT while this ran is newer than the stored one.
                    _latest.TryAdd(config.DeviceId, config);
                }
            }

            _loaded = true;
        }
        finally
        {
            _loadGate.Release();
        }
    }
}
