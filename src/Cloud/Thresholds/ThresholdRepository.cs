namespace Edge.Cloud.Thresholds;

using System.Globalization;
using Edge.Cloud.Storage;
using Edge.Shared.Config;
using Microsoft.Data.Sqlite;

/// <summary>
/// The <c>scope_settings</c> and <c>config_version</c> tables; each write appends to <see cref="AuditLog"/> in the
/// same transaction. A cleared scope keeps its row with every field null (a tombstone), so its clearing version
/// survives restarts and is republished like any other setting; readers treat such a row as "no setting".
/// </summary>
internal sealed class ThresholdRepository(SqliteDatabase database)
{
    private const string Columns = "scope, target, version, threshold, audit_sample_rate, score_function, updated_at, updated_by";

    public static bool IsCleared(ScopeSetting setting) =>
        setting.Threshold is null && setting.AuditSampleRate is null && setting.ScoreFunction is null;

    /// <summary>Every stored setting; <paramref name="includeCleared"/> adds the tombstones (for republishing).</summary>
    public async Task<IReadOnlyList<ScopeSetting>> GetAllAsync(bool includeCleared, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM scope_settings ORDER BY scope, target;";
        var result = new List<ScopeSetting>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var setting = Read(reader);
            if (includeCleared || !IsCleared(setting))
            {
                result.Add(setting);
            }
        }

        return result;
    }

    /// <summary>The live setting at one scope, or null when there is none (never set, or cleared).</summary>
    public async Task<ScopeSetting?> GetAsync(ConfigScope scope, string? target, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        var setting = await ReadOneAsync(connection, null, scope, target, cancellationToken);
        return setting is null || IsCleared(setting) ? null : setting;
    }

    /// <summary>The epoch of the version sequence (made by migration 7, replaced by <see cref="NewEpochAsync"/>).</summary>
    public async Task<string> GetEpochAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT epoch FROM config_version WHERE id = 1;";
        return await command.ExecuteScalarAsync(cancellationToken) as string
            ?? throw new InvalidOperationException("the config version sequence has no epoch; the database schema is incomplete");
    }

    /// <summary>Replaces the epoch with a new random one and returns it. Versions keep counting up.</summary>
    public async Task<string> NewEpochAsync(CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "UPDATE config_version SET epoch = lower(hex(randomblob(16))) WHERE id = 1 RETURNING epoch;";
        return await command.ExecuteScalarAsync(cancellationToken) as string
            ?? throw new InvalidOperationException("the config version sequence is missing");
    }

    /// <summary>
    /// Stores <paramref name="change"/> under the next global version and appends the audit entry, in one transaction.
    /// With all fields null it clears the scope, and returns null when there was nothing to clear.
    /// </summary>
    public async Task<ScopeSetting?> WriteAsync(SettingChange change, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);

        // IMMEDIATE (the default here): take the write lock up front so two writers never deadlock upgrading a read lock.
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        var previous = await ReadOneAsync(connection, transaction, change.Scope, change.Target, cancellationToken);
        if (previous is not null && IsCleared(previous))
        {
            previous = null;
        }

        var clearing = change.Threshold is null && change.AuditSampleRate is null && change.ScoreFunction is null;
        if (clearing && previous is null)
        {
            return null;
        }

        var version = await NextVersionAsync(connection, transaction, cancellationToken);
        var next = new ScopeSetting
        {
            Scope = change.Scope,
            Target = change.Scope == ConfigScope.Fleet ? null : change.Target,
            Version = version,
            Threshold = change.Threshold,
            AuditSampleRate = change.AuditSampleRate,
            ScoreFunction = change.ScoreFunction,
            UpdatedAt = change.At,
            UpdatedBy = change.By,
        };

        await using (var upsert = connection.CreateCommand())
        {
            upsert.Transaction = transaction;
            upsert.CommandText = $"""
                INSERT INTO scope_settings ({Columns}) VALUES ($scope, $target, $version, $threshold, $rate, $function, $at, $by)
                ON CONFLICT (scope, target) DO UPDATE SET
                    version = excluded.version, threshold = excluded.threshold, audit_sample_rate = excluded.audit_sample_rate,
                    score_function = excluded.score_function, updated_at = excluded.updated_at, updated_by = excluded.updated_by;
                """;
            AddKey(upsert, change.Scope, change.Target);
            upsert.Parameters.AddWithValue("$version", version);
            upsert.Parameters.AddWithValue("$threshold", (object?)next.Threshold ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$rate", (object?)next.AuditSampleRate ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$function", (object?)next.ScoreFunction?.ToString() ?? DBNull.Value);
            upsert.Parameters.AddWithValue("$at", FormatTime(change.At));
            upsert.Parameters.AddWithValue("$by", change.By);
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        await AuditLog.AppendAsync(connection, transaction, change, version, previous, clearing ? null : next, cancellationToken);

        await transaction.CommitAsync(cancellationToken);
        return next;
    }

    private static async Task<ScopeSetting?> ReadOneAsync(
        SqliteConnection connection, SqliteTransaction? transaction, ConfigScope scope, string? target, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"SELECT {Columns} FROM scope_settings WHERE scope = $scope AND target = $target;";
        AddKey(command, scope, target);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? Read(reader) : null;
    }

    private static async Task<long> NextVersionAsync(SqliteConnection connection, SqliteTransaction transaction, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE config_version SET value = value + 1 WHERE id = 1 RETURNING value;";
        var value = await command.ExecuteScalarAsync(cancellationToken);
        return Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private static ScopeSetting Read(SqliteDataReader reader)
    {
        var scope = ScopeNames.FromDb(reader.GetString(0));
        return new ScopeSetting
        {
            Scope = scope,
            Target = ScopeNames.TargetFromDb(scope, reader.GetString(1)),
            Version = reader.GetInt64(2),
            Threshold = reader.IsDBNull(3) ? null : reader.GetDouble(3),
            AuditSampleRate = reader.IsDBNull(4) ? null : reader.GetDouble(4),
            ScoreFunction = reader.IsDBNull(5) ? null : Enum.Parse<ScoreFunction>(reader.GetString(5)),
            UpdatedAt = ParseTime(reader.GetString(6)),
            UpdatedBy = reader.GetString(7),
        };
    }

    internal static void AddKey(SqliteCommand command, ConfigScope scope, string? target)
    {
        command.Parameters.AddWithValue("$scope", ScopeNames.ToDb(scope));
        command.Parameters.AddWithValue("$target", ScopeNames.TargetToDb(scope, target));
    }

    internal static string FormatTime(DateTimeOffset at) => at.ToString("O", CultureInfo.InvariantCulture);

    internal static DateTimeOffset ParseTime(string value) => DateTimeOffset.Parse(value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);

}

/// <summary>A requested change at one scope: the fields it sets (all null clears the scope) and who asked why.</summary>
internal sealed record SettingChange(
    ConfigScope Scope,
    string? Target,
    double? Threshold,
    double? AuditSampleRate,
    ScoreFunction? ScoreFunction,
    DateTimeOffset At,
    string By,
    string Reason);
