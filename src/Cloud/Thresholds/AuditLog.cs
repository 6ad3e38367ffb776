namespace Edge.Cloud.Thresholds;

using System.Text.Json;
using Edge.Cloud.Storage;
using Edge.Shared.Config;
using Edge.Shared.Serialization;
using Microsoft.Data.Sqlite;

/// <summary>The <c>config_audit</c> table: one row per stored change, with the setting before and after as JSON.</summary>
internal sealed class AuditLog(SqliteDatabase database)
{
    /// <summary>Appends inside the caller's transaction, so a change and its audit entry commit together or not at all.</summary>
    public static async Task AppendAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        SettingChange change,
        long version,
        ScopeSetting? from,
        ScopeSetting? to,
        CancellationToken cancellationToken)
    {
        await using var audit = connection.CreateCommand();
        audit.Transaction = transaction;
        audit.CommandText = """
            INSERT INTO config_audit (at, by, scope, target, version, from_json, to_json, reason)
            VALUES ($at, $by, $scope, $target, $version, $from, $to, $reason);
            """;
        ThresholdRepository.AddKey(audit, change.Scope, change.Target);
        audit.Parameters.AddWithValue("$at", ThresholdRepository.FormatTime(change.At));
        audit.Parameters.AddWithValue("$by", change.By);
        audit.Parameters.AddWithValue("$version", version);
        audit.Parameters.AddWithValue("$from", from is null ? DBNull.Value : Serialize(from));
        audit.Parameters.AddWithValue("$to", to is null ? DBNull.Value : Serialize(to));
        audit.Parameters.AddWithValue("$reason", change.Reason);
        await audit.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>A bounds change (kind <c>bounds</c>, version 0: bounds are not published, so they take no config version).</summary>
    public static async Task AppendBoundsAsync(
        SqliteConnection connection,
        SqliteTransaction transaction,
        SettingChange change,
        ScopeBounds? from,
        ScopeBounds to,
        CancellationToken cancellationToken)
    {
        await using var audit = connection.CreateCommand();
        audit.Transaction = transaction;
        audit.CommandText = """
            INSERT INTO config_audit (at, by, scope, target, version, from_json, to_json, reason, kind)
            VALUES ($at, $by, $scope, $target, 0, $from, $to, $reason, 'bounds');
            """;
        ThresholdRepository.AddKey(audit, change.Scope, change.Target);
        audit.Parameters.AddWithValue("$at", ThresholdRepository.FormatTime(change.At));
        audit.Parameters.AddWithValue("$by", change.By);
        audit.Parameters.AddWithValue("$from", from is null ? DBNull.Value : BoundsRepository.Serialize(from));
        audit.Parameters.AddWithValue("$to", BoundsRepository.Serialize(to));
        audit.Parameters.AddWithValue("$reason", change.Reason);
        await audit.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The most recent changes first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> ReadAsync(int limit, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT id, at, by, scope, target, version, from_json, to_json, reason, kind
            FROM config_audit ORDER BY id DESC LIMIT $limit;
            """;
        command.Parameters.AddWithValue("$limit", limit);
        var result = new List<AuditEntry>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var scope = ScopeNames.FromDb(reader.GetString(3));
            var bounds = reader.GetString(9) == AuditEntry.BoundsKind;
            result.Add(new AuditEntry
            {
                Id = reader.GetInt64(0),
                At = ThresholdRepository.ParseTime(reader.GetString(1)),
                By = reader.GetString(2),
                Scope = scope,
                Target = ScopeNames.TargetFromDb(scope, reader.GetString(4)),
                Version = reader.GetInt64(5),
                Kind = bounds ? AuditEntry.BoundsKind : AuditEntry.SettingKind,
                From = bounds || reader.IsDBNull(6) ? null : Deserialize(reader.GetString(6)),
                To = bounds || reader.IsDBNull(7) ? null : Deserialize(reader.GetString(7)),
                FromBounds = !bounds || reader.IsDBNull(6) ? null : BoundsRepository.Deserialize(reader.GetString(6)),
                ToBounds = !bounds || reader.IsDBNull(7) ? null : BoundsRepository.Deserialize(reader.GetString(7)),
                Reason = reader.GetString(8),
            });
        }

        return result;
    }

    private static string Serialize(ScopeSetting setting) => JsonSerializer.Serialize(setting, EdgeJsonContext.Default.ScopeSetting);

    private static ScopeSetting? Deserialize(string json) => JsonSerializer.Deserialize(json, EdgeJsonContext.Default.ScopeSetting);
}
