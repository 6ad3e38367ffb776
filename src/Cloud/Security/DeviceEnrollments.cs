namespace Edge.Cloud.Security;

using System.Collections.Concurrent;
using System.Globalization;
using Edge.Cloud.Devices;
using Edge.Cloud.Mqtt;
using Edge.Cloud.Storage;
using Edge.Shared.Security;

/// <summary>
/// Devices the cloud issued a credential to, with the group they were enrolled in. Enrolling again rotates the secret:
/// the old one stops working at once.
/// </summary>
internal sealed class DeviceEnrollments(SqliteDatabase database, ApiTokenStore tokens, TimeProvider time, IServiceProvider services) : IEnrolledGroups
{
    // Read on the MQTT receive path for every report and telemetry window: kept in memory, loaded once.
    private readonly Lazy<ConcurrentDictionary<string, string>> _groups = new(() => LoadGroups(database), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <inheritdoc/>
    public string? GroupOf(string deviceId) => _groups.Value.GetValueOrDefault(deviceId);

    public async Task<DeviceCredentials> EnrollAsync(string deviceId, string group, string by, CancellationToken cancellationToken)
    {
        await tokens.RevokeDeviceAsync(deviceId, cancellationToken);
        await EndSessionAsync(deviceId);
        var created = await tokens.CreateAsync(deviceId, EdgeRoles.Device, by, deviceId, cancellationToken);
        await using (var connection = await database.OpenAsync(cancellationToken))
        await using (var command = connection.CreateCommand())
        {
            command.CommandText = """
                INSERT INTO device_enrollments (device_id, group_name, enrolled_at, enrolled_by) VALUES ($id, $group, $at, $by)
                ON CONFLICT (device_id) DO UPDATE SET group_name = excluded.group_name, enrolled_at = excluded.enrolled_at,
                    enrolled_by = excluded.enrolled_by, revoked_at = NULL;
                """;
            command.Parameters.AddWithValue("$id", deviceId);
            command.Parameters.AddWithValue("$group", group);
            command.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
            command.Parameters.AddWithValue("$by", by);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        _groups.Value[deviceId] = group;
        return new DeviceCredentials { DeviceId = deviceId, Group = group, Secret = created.Token };
    }

    /// <summary>False when the device had no live enrolment.</summary>
    public async Task<bool> RevokeAsync(string deviceId, CancellationToken cancellationToken)
    {
        var hadSecret = await tokens.RevokeDeviceAsync(deviceId, cancellationToken);
        _groups.Value.TryRemove(deviceId, out _);
        await EndSessionAsync(deviceId);
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE device_enrollments SET revoked_at = $at WHERE device_id = $id AND revoked_at IS NULL;";
        command.Parameters.AddWithValue("$id", deviceId);
        command.Parameters.AddWithValue("$at", time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture));
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0 || hadSecret;
    }

    private static ConcurrentDictionary<string, string> LoadGroups(SqliteDatabase database)
    {
        var groups = new ConcurrentDictionary<string, string>(StringComparer.Ordinal);
        using var connection = database.OpenAsync(CancellationToken.None).GetAwaiter().GetResult();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT device_id, group_name FROM device_enrollments WHERE revoked_at IS NULL;";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            groups[reader.GetString(0)] = reader.GetString(1);
        }

        return groups;
    }

    /// <summary>
    /// The broker checks a login only when a client connects: without this, a revoked or rotated secret would keep its
    /// open session, and its publishes, for as long as the connection lasts. An external broker is the deployment's.
    /// </summary>
    private Task EndSessionAsync(string deviceId) =>
        services.GetService<EmbeddedBroker>()?.DisconnectAsync(deviceId) ?? Task.CompletedTask;

    /// <summary>Whether <paramref name="secret"/> is the live secret of <paramref name="deviceId"/> (the broker's login check).</summary>
    public async Task<bool> VerifyAsync(string deviceId, string? secret, CancellationToken cancellationToken) =>
        secret is { Length: > 0 }
        && await tokens.FindAsync(secret, cancellationToken) is { Role: EdgeRoles.Device } token
        && string.Equals(token.DeviceId, deviceId, StringComparison.Ordinal);
}
