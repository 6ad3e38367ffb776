namespace Edge.Cloud.Rollouts;

using System.Globalization;
using Edge.Cloud.Storage;
using Edge.Cloud.Thresholds;
using Edge.Shared.Updates;
using Microsoft.Data.Sqlite;

/// <summary>A rollout as stored, with the bookkeeping the state machine needs but the API does not show.</summary>
internal sealed record RolloutRecord(Rollout Info, bool Expanded, RolloutDevice[] Devices);

/// <summary>The <c>rollouts</c> and <c>rollout_devices</c> tables. Callers serialise writes (<see cref="RolloutService"/>).</summary>
internal sealed class RolloutStore(SqliteDatabase database)
{
    private const string Columns = "id, model, version, scope, target, canary_percent, max_failure_share, state, expanded, created_at, updated_at, reason, allow_rollback";

    public async Task InsertAsync(Rollout rollout, IReadOnlyList<(string DeviceId, RolloutPhase Phase)> devices, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = Command(connection, transaction, $"""
            INSERT INTO rollouts ({Columns})
            VALUES ($id, $model, $version, $scope, $target, $canary, $share, $state, 0, $at, $at, NULL, $rollback)
            """))
        {
            command.Parameters.AddWithValue("$id", rollout.Id);
            command.Parameters.AddWithValue("$model", rollout.Model);
            command.Parameters.AddWithValue("$version", rollout.Version);
            command.Parameters.AddWithValue("$scope", ScopeNames.ToDb(rollout.Scope));
            command.Parameters.AddWithValue("$target", ScopeNames.TargetToDb(rollout.Scope, rollout.Target));
            command.Parameters.AddWithValue("$canary", rollout.CanaryPercent);
            command.Parameters.AddWithValue("$share", rollout.MaxFailureShare);
            command.Parameters.AddWithValue("$state", rollout.State.ToString());
            command.Parameters.AddWithValue("$at", Text(rollout.CreatedAt));
            command.Parameters.AddWithValue("$rollback", rollout.AllowRollback ? 1 : 0);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var (deviceId, phase) in devices)
        {
            await AddDeviceAsync(connection, transaction, rollout.Id, deviceId, phase, rollout.CreatedAt, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>False when the device is already part of the rollout.</summary>
    public async Task<bool> AddDeviceAsync(string rolloutId, string deviceId, RolloutPhase phase, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await AddDeviceAsync(connection, null, rolloutId, deviceId, phase, at, cancellationToken);
    }

    public async Task<RolloutRecord?> GetAsync(string id, CancellationToken cancellationToken) =>
        (await QueryAsync("WHERE id = $id", id, cancellationToken)).SingleOrDefault();

    public Task<List<RolloutRecord>> ListAsync(CancellationToken cancellationToken) => QueryAsync(string.Empty, null, cancellationToken);

    /// <summary>Rollouts still tracking devices: Canary, Expanding and Halted.</summary>
    public Task<List<RolloutRecord>> ActiveAsync(CancellationToken cancellationToken) =>
        QueryAsync("WHERE state IN ('Canary', 'Expanding', 'Halted')", null, cancellationToken);

    public async Task SetStateAsync(string id, RolloutState state, string? reason, bool expanded, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            UPDATE rollouts SET state = $state, reason = $reason, expanded = $expanded, updated_at = $at WHERE id = $id
            """);
        command.Parameters.AddWithValue("$id", id);
        command.Parameters.AddWithValue("$state", state.ToString());
        command.Parameters.AddWithValue("$reason", (object?)reason ?? DBNull.Value);
        command.Parameters.AddWithValue("$expanded", expanded ? 1 : 0);
        command.Parameters.AddWithValue("$at", Text(at));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Marks the devices whose <c>model/desired</c> now names this rollout's package.</summary>
    public async Task MarkDesiredAsync(string rolloutId, IEnumerable<string> deviceIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        foreach (var deviceId in deviceIds)
        {
            await using var command = Command(connection, transaction,
                "UPDATE rollout_devices SET published_at = $at, updated_at = $at WHERE rollout_id = $id AND device_id = $device AND published_at IS NULL");
            command.Parameters.AddWithValue("$id", rolloutId);
            command.Parameters.AddWithValue("$device", deviceId);
            command.Parameters.AddWithValue("$at", Text(at));
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Resume: the devices failed or rolled back now are the operator's known failures (until they recover).</summary>
    public async Task AcknowledgeFailuresAsync(string rolloutId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            UPDATE rollout_devices SET acknowledged = 1 WHERE rollout_id = $id AND state IN ('Failed', 'RolledBack')
            """);
        command.Parameters.AddWithValue("$id", rolloutId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task UpdateDeviceAsync(string rolloutId, ModelStatus status, UpdateState state, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            UPDATE rollout_devices SET state = $state, failure = $failure, detail = $detail, blocks_received = $received, blocks_total = $total, updated_at = $at,
                acknowledged = CASE WHEN $state IN ('Failed', 'RolledBack') THEN acknowledged ELSE 0 END
            WHERE rollout_id = $id AND device_id = $device
            """);
        command.Parameters.AddWithValue("$id", rolloutId);
        command.Parameters.AddWithValue("$device", status.DeviceId);
        command.Parameters.AddWithValue("$state", state.ToString());
        command.Parameters.AddWithValue("$failure", (object?)status.Failure?.ToString() ?? DBNull.Value);
        command.Parameters.AddWithValue("$detail", (object?)status.Detail ?? DBNull.Value);
        command.Parameters.AddWithValue("$received", Math.Max(0, status.BlocksReceived));
        command.Parameters.AddWithValue("$total", Math.Max(0, status.BlocksTotal));
        command.Parameters.AddWithValue("$at", Text(at));
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Devices whose latest rollout was aborted before they applied it: their desired must stay cleared.</summary>
    public async Task<List<string>> AbortedPendingDevicesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = Command(connection, null, """
            SELECT DISTINCT d.device_id FROM rollout_devices d JOIN rollouts r ON r.id = d.rollout_id
            WHERE r.state = 'Aborted' AND d.published_at IS NOT NULL AND (d.state IS NULL OR d.state <> 'Applied')
              AND NOT EXISTS (SELECT 1 FROM rollout_devices d2 JOIN rollouts r2 ON r2.id = d2.rollout_id
                              WHERE d2.device_id = d.device_id AND r2.created_at > r.created_at)
            """);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var devices = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add(reader.GetString(0));
        }

        return devices;
    }

    private static async Task<bool> AddDeviceAsync(
        SqliteConnection connection, SqliteTransaction? transaction, string rolloutId, string deviceId, RolloutPhase phase, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, """
            INSERT INTO rollout_devices (rollout_id, device_id, phase, updated_at) VALUES ($id, $device, $phase, $at)
            ON CONFLICT (rollout_id, device_id) DO NOTHING
            """);
        command.Parameters.AddWithValue("$id", rolloutId);
        command.Parameters.AddWithValue("$device", deviceId);
        command.Parameters.AddWithValue("$phase", phase.ToString());
        command.Parameters.AddWithValue("$at", Text(at));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    private async Task<List<RolloutRecord>> QueryAsync(string where, string? id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var records = new List<(Rollout Info, bool Expanded)>();
        await using (var command = Command(connection, null, $"SELECT {Columns} FROM rollouts {where} ORDER BY created_at, id"))
        {
            command.Parameters.AddWithValue("$id", (object?)id ?? DBNull.Value);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                var scope = ScopeNames.FromDb(reader.GetString(3));
                records.Add((new Rollout
                {
                    Id = reader.GetString(0),
                    Model = reader.GetString(1),
                    Version = reader.GetString(2),
                    Scope = scope,
                    Target = ScopeNames.TargetFromDb(scope, reader.GetString(4)),
                    CanaryPercent = reader.GetDouble(5),
                    MaxFailureShare = reader.GetDouble(6),
                    State = Enum.Parse<RolloutState>(reader.GetString(7)),
                    CreatedAt = Parse(reader.GetString(9)),
                    UpdatedAt = Parse(reader.GetString(10)),
                    Reason = reader.IsDBNull(11) ? null : reader.GetString(11),
                    AllowRollback = reader.GetInt64(12) != 0,
                }, reader.GetInt64(8) != 0));
            }
        }

        var result = new List<RolloutRecord>(records.Count);
        foreach (var (info, expanded) in records)
        {
            var devices = await DevicesAsync(connection, info.Id, cancellationToken);
            info.Targeted = devices.Length;
            info.Counts = RolloutPlanner.Count(devices);
            result.Add(new RolloutRecord(info, expanded, devices));
        }

        return result;
    }

    private static async Task<RolloutDevice[]> DevicesAsync(SqliteConnection connection, string rolloutId, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, """
            SELECT device_id, phase, state, failure, detail, blocks_received, blocks_total, published_at, updated_at, acknowledged
            FROM rollout_devices WHERE rollout_id = $id ORDER BY device_id
            """);
        command.Parameters.AddWithValue("$id", rolloutId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var devices = new List<RolloutDevice>();
        while (await reader.ReadAsync(cancellationToken))
        {
            devices.Add(new RolloutDevice
            {
                DeviceId = reader.GetString(0),
                Phase = Enum.Parse<RolloutPhase>(reader.GetString(1)),
                State = reader.IsDBNull(2) ? null : Enum.Parse<UpdateState>(reader.GetString(2)),
                Failure = reader.IsDBNull(3) ? null : Enum.Parse<UpdateFailure>(reader.GetString(3)),
                Detail = reader.IsDBNull(4) ? null : reader.GetString(4),
                BlocksReceived = reader.GetInt32(5),
                BlocksTotal = reader.GetInt32(6),
                Desired = !reader.IsDBNull(7),
                UpdatedAt = Parse(reader.GetString(8)),
                Acknowledged = reader.GetInt64(9) != 0,
            });
        }

        return [.. devices];
    }

    private static SqliteCommand Command(SqliteConnection connection, SqliteTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return command;
    }

    private static string Text(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    private static DateTimeOffset Parse(string text) => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture);
}
