namespace Edge.Cloud.Thresholds;

using System.Text.Json;
using Edge.Cloud.Devices;
using Edge.Cloud.Storage;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Microsoft.Data.Sqlite;

/// <summary>
/// The <c>threshold_bounds</c> table: operator limits per scope, each change audited (kind <c>bounds</c>) in the same
/// transaction. Bounds nest: the limits on a threshold at a scope are the intersection of that scope's bounds and those
/// of every less specific scope over it (a device's group is the one it last reported).
/// </summary>
internal sealed class BoundsRepository(SqliteDatabase database, ReportedConfigStore devices)
{
    public async Task<IReadOnlyList<ScopeBounds>> GetAllAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT scope, target, min, max, updated_at, updated_by FROM threshold_bounds ORDER BY scope, target;";
        var result = new List<ScopeBounds>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            result.Add(Read(reader));
        }

        return result;
    }

    public async Task<ScopeBounds?> GetAsync(ConfigScope scope, string? target, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        return await ReadOneAsync(connection, null, scope, target, cancellationToken);
    }

    /// <summary>The limits a threshold at <paramref name="scope"/> must respect: [0, 2] narrowed by every bound over it.</summary>
    /// <param name="includeSelf">False: only the scopes over <paramref name="scope"/> (what new bounds there must overlap).</param>
    public async Task<(double Min, double Max)> EffectiveAsync(ConfigScope scope, string? target, CancellationToken cancellationToken, bool includeSelf = true)
    {
        var chain = new List<(ConfigScope, string?)> { (ConfigScope.Fleet, null) };
        if (scope == ConfigScope.Group)
        {
            chain.Add((ConfigScope.Group, target));
        }
        else if (scope == ConfigScope.Device)
        {
            if ((await devices.GetAsync(target!, cancellationToken))?.Group is { } group)
            {
                chain.Add((ConfigScope.Group, group));
            }

            chain.Add((ConfigScope.Device, target));
        }

        if (!includeSelf)
        {
            chain.RemoveAt(chain.Count - 1);
        }

        double min = ConfigRules.MinThreshold, max = ConfigRules.MaxThreshold;
        await using var connection = await database.OpenAsync(cancellationToken);
        foreach (var (s, t) in chain)
        {
            if (await ReadOneAsync(connection, null, s, t, cancellationToken) is { } b)
            {
                min = Math.Max(min, b.Min);
                max = Math.Min(max, b.Max);
            }
        }

        return (min, max);
    }

    public async Task<ScopeBounds> WriteAsync(ConfigScope scope, string? target, double min, double max, DateTimeOffset at, string by, string reason, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var previous = await ReadOneAsync(connection, transaction, scope, target, cancellationToken);
        var next = new ScopeBounds { Scope = scope, Target = scope == ConfigScope.Fleet ? null : target, Min = min, Max = max, UpdatedAt = at, UpdatedBy = by };
        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            upsert.CommandText = """
                INSERT INTO threshold_bounds (scope, target, min, max, updated_at, updated_by) VALUES ($scope, $target, $min, $max, $at, $by)
                ON CONFLICT (scope, target) DO UPDATE SET min = excluded.min, max = excluded.max, updated_at = excluded.updated_at, updated_by = excluded.updated_by;
                """;
            ThresholdRepository.AddKey(upsert, scope, target);
            upsert.Parameters.AddWithValue("$min", min);
            upsert.Parameters.AddWithValue("$max", max);
            upsert.Parameters.AddWithValue("$at", ThresholdRepository.FormatTime(at));
            upsert.Parameters.AddWithValue("$by", by);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await AuditLog.AppendBoundsAsync(connection, transaction, new SettingChange(scope, target, null, null, null, at, by, reason), previous, next, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return next;
    }

    internal static string Serialize(ScopeBounds bounds) => JsonSerializer.Serialize(bounds, EdgeJsonContext.Default.ScopeBounds);

    internal static ScopeBounds? Deserialize(string json) => JsonSerializer.Deserialize(json, EdgeJsonContext.Default.ScopeBounds);

    private static async Task<ScopeBounds?> ReadOneAsync(SqliteConnection connection, SqliteTransaction? transaction, ConfigScope scope, string? target, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT scope, target, min, max, updated_at, updated_by FROM threshold_bounds WHERE scope = $scope AND target = $target;";
        ThresholdRepository.AddKey(command, scope, target);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static ScopeBounds Read(SqliteDataReader reader)
    {
        var scope = ScopeNames.FromDb(reader.GetString(0));
        return new ScopeBounds
        {
            Scope = scope,
            Target = ScopeNames.TargetFromDb(scope, reader.GetString(1)),
            Min = reader.GetDouble(2),
            Max = reader.GetDouble(3),
            UpdatedAt = ThresholdRepository.ParseTime(reader.GetString(4)),
            UpdatedBy = reader.GetString(5),
        };
    }
}
